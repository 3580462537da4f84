package dev.helix.adapters.agents.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.testing.ScriptedServer;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer.Proposal;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The anthropic backend against a local server speaking Anthropic's Messages API. */
class AnthropicBackendTest extends HttpBackendContract {

    @Override
    AgentBackend backend(ChatClient.Retries retries) {
        return new AnthropicBackend(retries);
    }

    @Override
    String keyVariable() {
        return "ANTHROPIC_API_KEY";
    }

    @Override
    String baseUrl(String root) {
        return root;
    }

    @Override
    String path() {
        return "/v1/messages";
    }

    @Override
    String keyHeader(ScriptedServer.Request request) {
        return request.header("x-api-key");
    }

    static String delta(String text) {
        ObjectNode e = Json.MAPPER.createObjectNode().put("type", "content_block_delta").put("index", 0);
        e.putObject("delta").put("type", "text_delta").put("text", text);
        return e.toString();
    }

    static void start(ScriptedServer.Sse sse, long in) throws IOException {
        sse.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"content\":[],\"model\":\"" + MODEL + "\",\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":" + in + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}");
        sse.event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        sse.event("ping", "{\"type\": \"ping\"}");
    }

    @Override
    void stream(ScriptedServer.Exchange ex, String text, long in, long out) throws IOException {
        try (ScriptedServer.Sse sse = ex.sse()) {
            start(sse, in);
            for (int i = 0; i < text.length(); i += 7) sse.event("content_block_delta", delta(text.substring(i, Math.min(text.length(), i + 7))));
            sse.event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            sse.event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                    + "\"usage\":{\"output_tokens\":" + out + "}}");
            sse.event("message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    @Override
    void malformedStream(ScriptedServer.Exchange ex) throws IOException {
        try (ScriptedServer.Sse sse = ex.sse()) {
            start(sse, 10);
            sse.event("content_block_delta", delta("Halve x\n"));
            sse.event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"par");
            sse.event("message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    @Override
    void whole(ScriptedServer.Exchange ex, String text, long in, long out) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", "msg_01").put("type", "message").put("role", "assistant").put("model", MODEL);
        r.putArray("content").addObject().put("type", "text").put("text", text);
        r.put("stop_reason", "end_turn").putNull("stop_sequence");
        r.putObject("usage").put("input_tokens", in).put("output_tokens", out);
        ex.json(200, r.toString());
    }

    @Override
    String errorBody(String type, String message) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("type", "error");
        r.putObject("error").put("type", type).put("message", message);
        return r.toString();
    }

    @Test
    void recordsTheInputTokensReadFromThePromptCacheAsPartOfTheInput() throws Exception {
        script.add(ex -> {
            try (ScriptedServer.Sse sse = ex.sse()) {
                sse.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"content\":[],\"model\":\"" + MODEL + "\",\"stop_reason\":null,\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":100,\"cache_creation_input_tokens\":50,\"cache_read_input_tokens\":600,\"output_tokens\":1}}}");
                sse.event("content_block_delta", delta(GOOD));
                sse.event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":30}}");
                sse.event("message_stop", "{\"type\":\"message_stop\"}");
            }
        });

        Proposal.Change c = change(propose(spec()));

        assertThat(c.usage().tokensIn()).contains(750L);
        assertThat(c.usage().tokensCached()).contains(600L);
        assertThat(c.usage().tokensCacheWritten()).contains(50L);
        assertThat(c.usage().tokensOut()).contains(30L);
    }

    @Test
    void promptCacheWritesInAStreamArePricedAtOneAndAQuarterTimesTheInputRate() throws Exception {
        script.add(ex -> {
            try (ScriptedServer.Sse sse = ex.sse()) {
                sse.event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"content\":[],\"model\":\"" + MODEL + "\",\"stop_reason\":null,\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":100000,\"cache_creation_input_tokens\":200000,\"cache_read_input_tokens\":0,"
                        + "\"output_tokens\":1}}}");
                sse.event("content_block_delta", delta(GOOD));
                sse.event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"output_tokens\":10000}}");
                sse.event("message_stop", "{\"type\":\"message_stop\"}");
            }
        });
        dev.helix.core.cost.Pricing sonnet = new dev.helix.core.cost.Pricing.Priced(
                new dev.helix.core.spec.Price(3, 15, 0.3), "the built-in price table");

        Proposal.Change written = change(propose(spec()));

        // 100k at 3, 200k written at 3.75, 10k out at 15 per million
        assertThat(sonnet.cost(written.usage()).costUsd().orElseThrow()).isCloseTo(0.3 + 0.75 + 0.15, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(written.usage().tokensIn()).contains(300_000L); // what the API reported, cache writes and reads included
    }

    @Test
    void promptCacheReadsInAWholeReplyArePricedAtTheCachedRate() throws Exception {
        script.add(ex -> {
            ObjectNode r = Json.MAPPER.createObjectNode();
            r.put("id", "msg_02").put("type", "message").put("role", "assistant").put("model", MODEL);
            r.putArray("content").addObject().put("type", "text").put("text", GOOD);
            r.put("stop_reason", "end_turn").putNull("stop_sequence");
            r.putObject("usage").put("input_tokens", 100_000).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 200_000).put("output_tokens", 10_000);
            ex.json(200, r.toString());
        });
        dev.helix.core.cost.Pricing sonnet = new dev.helix.core.cost.Pricing.Priced(
                new dev.helix.core.spec.Price(3, 15, 0.3), "the built-in price table");

        Proposal.Change read = change(propose(spec(java.util.Optional.of(MODEL), 10, java.util.List.of("no-stream"))));

        // 100k at 3, 200k read at 0.3, 10k out at 15 per million
        assertThat(sonnet.cost(read.usage()).costUsd().orElseThrow()).isCloseTo(0.3 + 0.06 + 0.15, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(read.usage().tokensCached()).contains(200_000L);
        assertThat(read.usage().tokensCacheWritten()).contains(0L);
    }

    @Test
    void sendsTheApiVersion() throws Exception {
        script.add(ex -> stream(ex, GOOD, 10, 5));

        change(propose(spec()));

        assertThat(server.requests().get(0).header("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void anOverloadedErrorEventInTheStreamIsRetried() throws Exception {
        script.add(ex -> {
            try (ScriptedServer.Sse sse = ex.sse()) {
                start(sse, 10);
                sse.event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
            }
        });
        script.add(ex -> stream(ex, GOOD, 10, 5));

        change(propose(spec()));

        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void theKeyIsAlwaysRequiredEvenForALocalServer() {
        assertThat(backend(FAST).check(spec(), Map.of())).singleElement().extracting(AgentBackend.Unready::message).asString()
                .contains("ANTHROPIC_API_KEY", "is not set");
    }
}
