package dev.helix.adapters.agents.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;

/** What differs between the Chat Completions and the Messages API: the endpoint, headers, body and replies. */
interface Dialect {

    /** A message of the conversation. */
    record Message(String role, String content) {}

    /** A model's complete answer to one request. */
    record Answer(String text, Optional<Long> tokensIn, Optional<Long> tokensOut, Optional<Double> costUsd, String stopReason,
                  Optional<Long> tokensCached, Optional<Long> tokensCacheWritten) {
        /** An answer that does not say how much of its input was written to the prompt cache. */
        Answer(String text, Optional<Long> tokensIn, Optional<Long> tokensOut, Optional<Double> costUsd, String stopReason,
               Optional<Long> tokensCached) {
            this(text, tokensIn, tokensOut, costUsd, stopReason, tokensCached, Optional.empty());
        }

        /** An answer that does not say how much of its input came from the prompt cache. */
        Answer(String text, Optional<Long> tokensIn, Optional<Long> tokensOut, Optional<Double> costUsd, String stopReason) {
            this(text, tokensIn, tokensOut, costUsd, stopReason, Optional.empty());
        }

        /** Whether the model stopped because it hit max_tokens. */
        boolean cut() {
            return stopReason.equals("length") || stopReason.equals("max_tokens");
        }
    }

    /** The reply cannot be understood. */
    final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** The API reported an error inside a 200 reply (e.g. an error event in a stream). */
    final class StreamError extends Exception {
        final boolean retryable;

        StreamError(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }
    }

    /** Accumulates one streamed reply, event by event. */
    interface Stream {
        /** @param event the SSE event name, or null for data-only events */
        void accept(String event, String data) throws Malformed, StreamError;

        /** Whether the stream said it is complete ({@code [DONE]}, {@code message_stop}). */
        boolean complete();

        /** What the stream must end with, for the message when it does not. */
        String end();

        Answer answer();
    }

    String backend();

    String defaultBaseUrl();

    String defaultKeyEnv();

    URI endpoint(String baseUrl);

    void headers(HttpRequest.Builder request, Optional<String> key);

    ObjectNode body(String model, int maxTokens, List<Message> messages, boolean stream);

    Stream stream();

    Answer whole(JsonNode reply) throws Malformed, StreamError;

    /** The API's error message in an error body, or the body itself (shortened) when it is not the API's JSON. */
    static String errorMessage(String body) {
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            JsonNode error = node.path("error");
            if (error.isTextual()) return error.asText();
            if (error.path("message").isTextual()) {
                String type = error.path("type").isTextual() ? error.path("type").asText() + ": " : "";
                return type + error.path("message").asText();
            }
            if (node.path("message").isTextual()) return node.path("message").asText();
        } catch (Exception e) {
            // not JSON: the body itself
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return s.isEmpty() ? "(no body)" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
