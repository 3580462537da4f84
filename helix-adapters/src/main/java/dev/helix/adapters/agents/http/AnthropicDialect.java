package dev.helix.adapters.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;

/**
 * Anthropic's Messages API: {@code POST {base_url}/v1/messages} with {@code x-api-key} and
 * {@code anthropic-version: 2023-06-01}; streamed as named events message_start (input tokens),
 * content_block_delta (text_delta), message_delta (stop reason, output tokens), message_stop, and
 * error (e.g. overloaded_error, which is worth a retry).
 */
final class AnthropicDialect implements Dialect {
    static final String VERSION = "2023-06-01";

    @Override
    public String backend() {
        return "anthropic";
    }

    @Override
    public String defaultBaseUrl() {
        return "https://api.anthropic.com";
    }

    @Override
    public String defaultKeyEnv() {
        return "ANTHROPIC_API_KEY";
    }

    @Override
    public URI endpoint(String baseUrl) {
        String base = OpenAiDialect.trimSlash(baseUrl);
        return URI.create(base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages");
    }

    @Override
    public void headers(HttpRequest.Builder request, Optional<String> key) {
        key.ifPresent(k -> request.header("x-api-key", k));
        request.header("anthropic-version", VERSION);
    }

    @Override
    public ObjectNode body(String model, int maxTokens, List<Message> messages, boolean stream) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        ArrayNode list = body.putArray("messages");
        for (Message m : messages) list.addObject().put("role", m.role()).put("content", m.content());
        if (stream) body.put("stream", true);
        return body;
    }

    @Override
    public Stream stream() {
        return new Stream() {
            final StringBuilder text = new StringBuilder();
            Optional<Long> in = Optional.empty();
            Optional<Long> out = Optional.empty();
            Optional<Long> cached = Optional.empty();
            Optional<Long> written = Optional.empty();
            String stop = "";
            boolean started;
            boolean done;

            @Override
            public void accept(String event, String data) throws Malformed, StreamError {
                JsonNode e = Json.parse(data, "a stream event" + (event == null ? "" : " (" + event + ")"));
                String type = e.path("type").asText(event == null ? "" : event);
                switch (type) {
                    case "message_start" -> {
                        started = true;
                        JsonNode usage = e.path("message").path("usage");
                        in = tokensIn(usage);
                        cached = Json.whole(usage.get("cache_read_input_tokens"));
                        written = Json.whole(usage.get("cache_creation_input_tokens"));
                        out = Json.whole(usage.get("output_tokens"));
                    }
                    case "content_block_delta" -> {
                        JsonNode delta = e.path("delta");
                        if (delta.path("type").asText().equals("text_delta")) {
                            if (!delta.path("text").isTextual()) throw new Malformed("a text_delta without text: " + data);
                            text.append(delta.path("text").asText());
                        }
                    }
                    case "message_delta" -> {
                        if (e.path("delta").path("stop_reason").isTextual()) stop = e.path("delta").path("stop_reason").asText();
                        JsonNode usage = e.path("usage");
                        out = Json.whole(usage.get("output_tokens")).or(() -> out);
                        Optional<Long> input = tokensIn(usage);
                        if (input.isPresent()) in = input;
                        cached = Json.whole(usage.get("cache_read_input_tokens")).or(() -> cached);
                        written = Json.whole(usage.get("cache_creation_input_tokens")).or(() -> written);
                    }
                    case "message_stop" -> done = true;
                    case "error" -> {
                        String kind = e.path("error").path("type").asText("");
                        throw new StreamError("the API reported an error in the stream: " + Dialect.errorMessage(data),
                                kind.equals("overloaded_error") || kind.equals("api_error"));
                    }
                    default -> {
                        // ping, content_block_start/stop, and event types added later
                    }
                }
                if (!started && !type.equals("ping")) throw new Malformed("the stream did not begin with message_start: " + data);
            }

            @Override
            public boolean complete() {
                return done;
            }

            @Override
            public String end() {
                return "event: message_stop";
            }

            @Override
            public Answer answer() {
                return new Answer(text.toString(), in, out, Optional.empty(), stop, cached, written);
            }
        };
    }

    /** Input tokens, counting those written to and read from the prompt cache. */
    private static Optional<Long> tokensIn(JsonNode usage) {
        Optional<Long> in = Json.whole(usage.get("input_tokens"));
        in = Json.sum(in, Json.whole(usage.get("cache_creation_input_tokens")));
        return Json.sum(in, Json.whole(usage.get("cache_read_input_tokens")));
    }

    @Override
    public Answer whole(JsonNode reply) throws Malformed, StreamError {
        if (reply.path("type").asText().equals("error")) {
            throw new StreamError("the API reported an error: " + Dialect.errorMessage(reply.toString()), false);
        }
        JsonNode content = reply.path("content");
        if (!content.isArray()) throw new Malformed("no content list in " + OpenAiDialect.shorten(reply.toString()));
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (block.path("type").asText().equals("text")) text.append(block.path("text").asText());
        }
        JsonNode usage = reply.path("usage");
        return new Answer(text.toString(), tokensIn(usage), Json.whole(usage.get("output_tokens")), Optional.empty(),
                reply.path("stop_reason").asText(""), Json.whole(usage.get("cache_read_input_tokens")),
                Json.whole(usage.get("cache_creation_input_tokens")));
    }
}
