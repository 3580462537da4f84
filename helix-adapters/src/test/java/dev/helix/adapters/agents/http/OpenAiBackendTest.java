package dev.helix.adapters.agents.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.testing.ScriptedServer;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer.Proposal;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The openai backend against a local server speaking OpenAI's Chat Completions API. */
class OpenAiBackendTest extends HttpBackendContract {

    @Override
    AgentBackend backend(ChatClient.Retries retries) {
        return new OpenAiBackend(retries);
    }

    @Override
    String keyVariable() {
        return "OPENAI_API_KEY";
    }

    @Override
    String baseUrl(String root) {
        return root + "/v1";
    }

    @Override
    String path() {
        return "/v1/chat/completions";
    }

    @Override
    String keyHeader(ScriptedServer.Request request) {
        String auth = request.header("Authorization");
        return auth == null ? null : auth.replaceFirst("^Bearer ", "");
    }

    static String chunk(String content, String finish) {
        ObjectNode c = Json.MAPPER.createObjectNode();
        c.put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1700000000).put("model", MODEL);
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (content != null) delta.put("content", content);
        if (finish == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finish);
        return c.toString();
    }

    static void stream(ScriptedServer.Exchange ex, String text, long in, long out, Double cost) throws IOException {
        try (ScriptedServer.Sse sse = ex.sse()) {
            sse.event(null, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                    + MODEL + "\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
            for (int i = 0; i < text.length(); i += 7) sse.event(null, chunk(text.substring(i, Math.min(text.length(), i + 7)), null));
            sse.event(null, chunk(null, "stop"));
            String usage = "\"prompt_tokens\":" + in + ",\"completion_tokens\":" + out + ",\"total_tokens\":" + (in + out)
                    + (cost == null ? "" : ",\"cost\":" + cost);
            sse.event(null, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\""
                    + MODEL + "\",\"choices\":[],\"usage\":{" + usage + "}}");
            sse.event(null, "[DONE]");
        }
    }

    @Override
    void stream(ScriptedServer.Exchange ex, String text, long in, long out) throws IOException {
        stream(ex, text, in, out, null);
    }

    @Override
    void malformedStream(ScriptedServer.Exchange ex) throws IOException {
        try (ScriptedServer.Sse sse = ex.sse()) {
            sse.event(null, chunk("Halve x\n", null));
            sse.event(null, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"delta\":{\"content\":\"par");
            sse.event(null, "[DONE]");
        }
    }

    @Override
    void whole(ScriptedServer.Exchange ex, String text, long in, long out) throws IOException {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", "chatcmpl-1").put("object", "chat.completion").put("created", 1700000000).put("model", MODEL);
        ObjectNode choice = r.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        r.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
        ex.json(200, r.toString());
    }

    @Override
    String errorBody(String type, String message) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.putObject("error").put("message", message).put("type", type).putNull("param").put("code", type);
        return r.toString();
    }

    @Test
    void asksForUsageInTheStream() throws Exception {
        script.add(ex -> stream(ex, GOOD, 10, 5));

        change(propose(spec()));

        assertThat(body(server.requests().get(0)).path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void recordsTheCostWhenTheApiReportsIt() throws Exception {
        script.add(ex -> stream(ex, GOOD, 10, 5, 0.00123));

        Proposal.Change c = change(propose(spec()));

        assertThat(c.usage().costUsd()).contains(0.00123);
    }

    @Test
    void recordsTheInputTokensReadFromThePromptCache() throws Exception {
        script.add(ex -> {
            try (ScriptedServer.Sse sse = ex.sse()) {
                sse.event(null, chunk(GOOD, "stop"));
                sse.event(null, "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":40,"
                        + "\"total_tokens\":940,\"prompt_tokens_details\":{\"cached_tokens\":768}}}");
                sse.event(null, "[DONE]");
            }
        });

        Proposal.Change c = change(propose(spec()));

        assertThat(c.usage().tokensIn()).contains(900L);
        assertThat(c.usage().tokensCached()).contains(768L);
    }

    @Test
    void aLocalServerNeedsNoKey() throws Exception {
        assertThat(backend(FAST).check(spec(), Map.of())).isEmpty();
        script.add(ex -> stream(ex, GOOD, 10, 5));
        AgentBackend.Context context = new AgentBackend.Context(spec(), Map.of(), logDir, s -> s);
        Proposal p = backend(FAST).create(context).propose(new dev.helix.core.port.Proposer.Request(1, "t", spec(), "",
                worktree, baseline(), baseline(), List.of(), Optional.empty()));
        change(p);
        assertThat(server.requests().get(0).header("Authorization")).isNull();
    }

    @Test
    void aHostedServerNeedsTheKeyVariable() {
        var hosted = withBaseUrl("https://api.openai.com/v1");
        assertThat(backend(FAST).check(hosted, Map.of())).singleElement().extracting(AgentBackend.Unready::message).asString()
                .contains("OPENAI_API_KEY", "is not set");
        assertThat(backend(FAST).check(hosted, Map.of("OPENAI_API_KEY", KEY))).isEmpty();
    }
}
