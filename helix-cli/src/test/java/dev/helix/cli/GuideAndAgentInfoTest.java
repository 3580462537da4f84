package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.helix.core.guide.Skill;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helix guide} and {@code helix agent-info}: what a person and an agent read to drive Helix. */
class GuideAndAgentInfoTest {
    @TempDir
    Path tmp;

    @Test
    void guidePrintsTheSameMethodologyTheSkillTeaches() {
        TestRepo.Run run = new TestRepo(tmp).helix("guide", "--text");
        assertThat(run.code()).isZero();
        assertThat(run.out()).isEqualTo(Skill.body().stripTrailing() + "\n");
        Golden.assertMatches("guide.txt", run.out());
        assertThat(new TestRepo(tmp).helix("--json", "guide").json().at("/data/guide").asText()).isEqualTo(Skill.body());
    }

    @Test
    void agentInfoListsEveryCommandWithItsFlagsFromTheCommandLineItself() {
        TestRepo.Run run = new TestRepo(tmp).helix("agent-info", "--text");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("  helix install AGENT [--project] [--force]\n")
                .contains("  helix doctor [--quick]\n")
                .contains("  2    usage or configuration error")
                .contains("--json")
                .doesNotContain("--home"); // hidden options stay hidden
        Golden.assertMatches("agent-info.txt", run.out());
    }

    @Test
    void agentInfoAsJsonHasTheSameCommandsAndEveryPicocliSubcommand() throws Exception {
        TestRepo.Run run = new TestRepo(tmp).helix("agent-info", "--json");
        assertThat(run.code()).isZero();
        JsonNode data = run.json().get("data");
        List<String> names = new ArrayList<>();
        data.get("commands").forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).contains("init", "run", "status", "log", "best", "install", "guide", "agent-info", "doctor")
                .doesNotContain("help");
        JsonNode install = find(data.get("commands"), "install");
        assertThat(install.get("synopsis").asText()).isEqualTo("helix install AGENT [--project] [--force]");
        assertThat(install.at("/flags/0")).isNotNull();
        assertThat(install.at("/flags/0/positional").asBoolean()).isTrue();
        assertThat(install.at("/flags/0/required").asBoolean()).isTrue();
        assertThat(data.at("/exit_codes/130").asText()).startsWith("interrupted");
        assertThat(data.get("shapes").toString()).contains("keep|discard|crash|rejected");
        Golden.assertMatches("agent-info.json", Output.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(data) + "\n");
    }

    private static JsonNode find(JsonNode commands, String name) {
        for (JsonNode c : commands) if (c.get("name").asText().equals(name)) return c;
        throw new AssertionError("no command " + name);
    }
}
