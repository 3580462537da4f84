package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.DeadPort;
import dev.helix.adapters.testing.ScriptedServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** helix doctor asks an HTTP backend for real, once, and says apart whether it answers, takes the key and knows the model. */
@Timeout(120)
class DoctorProbeTest {
    @TempDir
    Path tmp;

    private JsonNode backendCheck(String baseUrl) {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                  backend: openai
                  model: test-model
                  base_url: %s
                """.formatted(baseUrl));
        return DoctorCommandTest.check(repo.helix("doctor", "--quick", "--json").json().get("data"), "backend");
    }

    @Test
    void aServerThatRefusesTheKeyFailsTheKeyNotTheReachability() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ex -> ex.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}"))) {
            JsonNode check = backendCheck(server.baseUrl() + "/v1");

            assertThat(check.toString()).contains("reachable: yes", "API key: NO", "HTTP 401", "model: not checked", "check OPENAI_API_KEY");
            assertThat(check.get("status").asText()).isEqualTo("fail");
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void aServerThatDoesNotKnowTheModelFailsTheModel() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ex -> ex.json(404, "{\"error\":{\"message\":\"model 'test-model' not found\"}}"))) {
            JsonNode check = backendCheck(server.baseUrl() + "/v1");

            assertThat(check.toString()).contains("reachable: yes", "API key: yes", "model: NO", "check agent.model");
        }
    }

    @Test
    void aServerThatAnswersPassesWithEachAspectSaid() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ex -> ex.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                + "\"created\":1700000000,\"model\":\"test-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"OK\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}"))) {
            JsonNode check = backendCheck(server.baseUrl() + "/v1");

            assertThat(check.get("status").asText()).isEqualTo("pass");
            assertThat(check.toString()).contains("reachable: yes", "model: yes, 'test-model' answered");
            assertThat(server.requests().get(0).body()).contains("test-model");
        }
    }

    @Test
    void anAddressWhereNothingListensFailsTheReachability() throws Exception {
        try (DeadPort dead = DeadPort.open()) { // held, so no other test's server can be handed it meanwhile
            int port = dead.port();
            JsonNode check = backendCheck("http://127.0.0.1:" + port + "/v1");

            assertThat(check.get("status").asText()).isEqualTo("fail");
            assertThat(check.toString()).contains("reachable: NO, nothing answers at http://127.0.0.1:" + port, "start the server or fix agent.base_url");
        }
    }

    @Test
    void aCliAgentIsReportedAsFoundVersionAndKeyEachApart() {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                  backend: claude
                  api_key_env: HELIX_DOCTOR_TEST_KEY_THAT_IS_NEVER_SET
                """);
        JsonNode check = DoctorCommandTest.check(repo.helix("doctor", "--quick", "--json").json().get("data"), "backend");

        assertThat(check.get("status").asText()).isEqualTo("fail");
        // found or not on this machine, each aspect is said apart, and the key's is what to fix
        assertThat(check.get("message").asText()).containsPattern("found: (yes, /.*/claude|NO, Claude Code CLI not found); version: ")
                .contains("; API key: NO, HELIX_DOCTOR_TEST_KEY_THAT_IS_NEVER_SET is not set");
        assertThat(check.get("fix").asText()).contains("export HELIX_DOCTOR_TEST_KEY_THAT_IS_NEVER_SET=");
    }
}
