package dev.helix.adapters.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI's Chat Completions API, as OpenAI, OpenRouter, Ollama, vLLM and llama.cpp's server speak
 * it: {@code POST {base_url}/chat/completions}, {@code Authorization: Bearer}, streamed as
 * data-only server-sent events ending with {@code data: [DONE]}, usage in the last chunk
 * ({@code stream_options.include_usage}); OpenRouter adds {@code usage.cost} in USD.
 */
final class OpenAiDialect implements Dialect {

    @Override
    public String backend() {
        return "openai";
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.openai.com/v1";
    }

    @Override
    public String defaultKeyEnv() {
        return "OPENAI_API_KEY";
    }

    @Override
    public URI endpoint(String baseUrl) {
        return URI.create(trimSlash(baseUrl) + "/chat/completions");
    }

    @Override
    public void headers(HttpRequest.Builder request, Optional<String> key) {
        key.ifPresent(k -> request.header("Authorization", "Bearer " + k));
    }

    @Override
    public ObjectNode body(String model, int maxTokens, List<Message> messages, boolean stream) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        ArrayNode list = body.putArray("messages");
        for (Message m : messages) list.addObject().put("role", m.role()).put("content", m.content());
        body.put("max_tokens", maxTokens);
        body.put("stream", stream);
        if (stream) body.putObject("stream_options").put("include_usage", true);
        return body;
    }

    @Override
    public Stream stream() {
        return new Stream() {
            final StringBuilder text = new StringBuilder();
            Optional<Long> in = Optional.empty();
            Optional<Long> out = Optional.empty();
            Optional<Double> cost = Optional.empty();
            Optional<Long> cached = Optional.empty();
            String stop = "";
            boolean done;

            @Override
            public void accept(String event, String data) throws Malformed, StreamError {
                if (data.strip().equals("[DONE]")) {
                    done = true;
                    return;
                }
                JsonNode chunk = Json.parse(data, "a stream event");
                if (chunk.has("error")) {
                    throw new StreamError("the API reported an error in the stream: " + Dialect.errorMessage(data), false);
                }
                JsonNode choices = chunk.path("choices");
                if (!choices.isMissingNode() && !choices.isArray()) throw new Malformed("a stream event's choices is not a list: " + data);
                for (JsonNode choice : choices) {
                    JsonNode content = choice.path("delta").path("content");
                    if (content.isTextual()) text.append(content.asText());
                    if (choice.path("finish_reason").isTextual()) stop = choice.path("finish_reason").asText();
                }
                readUsage(chunk.path("usage"));
            }

            private void readUsage(JsonNode usage) {
                if (!usage.isObject()) return;
                in = Json.whole(usage.get("prompt_tokens")).or(() -> in);
                out = Json.whole(usage.get("completion_tokens")).or(() -> out);
                cost = Json.number(usage.get("cost")).or(() -> cost);
                cached = Json.whole(usage.path("prompt_tokens_details").get("cached_tokens")).or(() -> cached);
            }

            @Override
            public boolean complete() {
                return done;
            }

            @Override
            public String end() {
                return "data: [DONE]";
            }

            @Override
            public Answer answer() {
                return new Answer(text.toString(), in, out, cost, stop, cached);
            }
        };
    }

    @Override
    public Answer whole(JsonNode reply) throws Malformed, StreamError {
        if (reply.has("error")) throw new StreamError("the API reported an error: " + Dialect.errorMessage(reply.toString()), false);
        JsonNode choice = reply.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) throw new Malformed("no choices[0].message.content in " + shorten(reply.toString()));
        JsonNode usage = reply.path("usage");
        return new Answer(content.asText(), Json.whole(usage.get("prompt_tokens")), Json.whole(usage.get("completion_tokens")),
                Json.number(usage.get("cost")), choice.path("finish_reason").asText(""),
                Json.whole(usage.path("prompt_tokens_details").get("cached_tokens")));
    }

    static String trimSlash(String url) {
        String u = url.strip();
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }

    static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
