package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helix doctor}: every check passes on a good repository, and each problem fails its own check with a fix. */
class DoctorCommandTest {
    @TempDir
    Path tmp;

    static final String PROGRAM = """
            # Program

            Find the x that minimizes the parabola in params.txt. One change at a time.
            """;

    TestRepo good() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("good"), "");
        repo.write("program.md", PROGRAM);
        repo.commitAll("program");
        return repo;
    }

    @Test
    void aGoodRepositoryPassesEveryCheckAndLeavesNoWorktreeBehind() {
        TestRepo repo = good();
        TestRepo.Run run = repo.helix("doctor", "--text");
        assertThat(run.code()).as(run.toString()).isZero();
        Golden.assertMatches("doctor-good.txt", normalise(run.out(), repo));
        assertThat(repo.git("worktree", "list")).doesNotContain(".helix/doctor");
        assertThat(repo.git("status", "--porcelain")).isEmpty();
        assertThat(repo.dir.resolve(".helix/doctor/evaluate.log")).exists();
    }

    @Test
    void aGoodRepositoryAsJsonHasAtLeastFourteenChecksNoneFailed() {
        TestRepo.Run run = good().helix("doctor", "--json");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("ok").asBoolean()).isTrue();
        assertThat(data.get("checks").size()).isGreaterThanOrEqualTo(14);
        Map<String, String> status = statuses(data);
        assertThat(status).containsEntry("metrics_parse", "pass").containsEntry("evaluate_runs", "pass")
                .containsEntry("slurm", "skip");
        assertThat(status.values()).doesNotContain("fail", "warn");
    }

    @Test
    void aBrokenRepositoryFailsTheRightChecksWithFixesAndExitsTwo() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("broken"), "");
        repo.write("helix.yaml", """
                name: quadratic
                domain: testing
                description: Find the x that minimizes a parabola.
                scope:
                  editable: [solver.txt]
                  readonly: [data/reference.csv]
                metrics:
                  primary: {name: loss, optimize: minimize}
                  constraints: [{name: accuracy, min: 0.5}]
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 20
                agent:
                  backend: openai
                  model: gpt-4o-mini
                  base_url: https://api.example.invalid/v1
                  api_key_env: HELIX_DOCTOR_TEST_KEY_THAT_IS_NEVER_SET
                """);
        repo.commitAll("a broken spec");
        repo.write("README.md", "edited but not committed\n");

        TestRepo.Run run = repo.helix("doctor", "--json");
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        JsonNode data = run.json().get("data");
        assertThat(data.get("ok").asBoolean()).isFalse();
        Map<String, String> status = statuses(data);
        assertThat(status).containsEntry("clean_tree", "fail").containsEntry("editable_files", "fail")
                .containsEntry("metrics_parse", "fail").containsEntry("backend", "fail")
                .containsEntry("readonly_files", "warn").containsEntry("program_md", "warn")
                .containsEntry("git_repo", "pass").containsEntry("spec", "pass").containsEntry("evaluate_runs", "pass");
        assertThat(check(data, "clean_tree").get("message").asText()).contains("README.md");
        assertThat(check(data, "metrics_parse").get("message").asText()).contains("accuracy");
        assertThat(check(data, "backend").get("message").asText()).contains("HELIX_DOCTOR_TEST_KEY_THAT_IS_NEVER_SET");
        data.get("checks").forEach(c -> {
            if (!c.get("status").asText().equals("pass") && !c.get("status").asText().equals("skip")) {
                assertThat(c.get("fix").asText()).as(c.toString()).isNotBlank();
            }
        });

        TestRepo.Run text = repo.helix("doctor", "--text");
        assertThat(text.code()).isEqualTo(2);
        assertThat(text.out()).contains("✗ Clean working tree: uncommitted changes in README.md → fix: commit or stash them")
                .contains("4 failed, 2 warnings");
    }

    @Test
    void aSpecProblemIsSaidOnceWithItsOwnFixAsRunSaysIt() {
        TestRepo repo = good();
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  backend: tune\n",
                "  backend: tune\n  price: {input_per_mtok: 3, output_per_mtok: -1}\n"));
        repo.commitAll("a negative price");

        TestRepo.Run doctor = repo.helix("doctor", "--text", "--quick");
        TestRepo.Run run = repo.helix("run", "--tag", "p", "--max-experiments", "1");

        String fix = "fix: e.g. `output_per_mtok: 3`";
        assertThat(doctor.code()).as("%s", doctor).isEqualTo(2);
        assertThat(doctor.out()).contains("agent.price.output_per_mtok: must be 0 or more US dollars per million tokens, found -1.0");
        assertThat(doctor.out().split(java.util.regex.Pattern.quote(fix), -1)).as("%s", doctor).hasSize(2);
        assertThat(doctor.out() + doctor.err()).doesNotContain("needs input_per_mtok and output_per_mtok");
        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.err().split(java.util.regex.Pattern.quote(fix), -1)).as("%s", run).hasSize(2);
        assertThat(run.err()).doesNotContain("needs input_per_mtok and output_per_mtok");
    }

    @Test
    void anInferredDirectionIsExplainedAndOneWrittenInTheSpecIsNot() {
        TestRepo repo = good();
        String spec = repo.read("helix.yaml");
        // "latency" says lower, "per_sec" makes it a rate: a name that points both ways
        repo.write("evaluate.sh", repo.read("evaluate.sh") + "echo 'latency_per_sec: 1.0'\n");
        repo.write("helix.yaml", spec.replace("primary: {name: loss, optimize: minimize}", "primary: {name: latency_per_sec}"));
        repo.commitAll("a metric that points both ways, its direction inferred");

        String inferred = check(repo.helix("doctor", "--json", "--quick").json().get("data"), "spec").get("message").asText();

        repo.write("helix.yaml", spec.replace("primary: {name: loss, optimize: minimize}", "primary: {name: latency_per_sec, optimize: maximize}"));
        repo.commitAll("its direction written");
        String written = check(repo.helix("doctor", "--json", "--quick").json().get("data"), "spec").get("message").asText();

        assertThat(inferred).contains("latency_per_sec (maximize)", "add `optimize: minimize` if lower is better");
        assertThat(written).contains("latency_per_sec (maximize)").doesNotContain("add `optimize:", "because");
    }

    @Test
    void doctorAndAgentInfoSayWhereTheCostComesFromAndWarnWhereACapCannotHold() {
        String unpriced = "  backend: openai\n  model: my-finetune\n  base_url: https://api.example.invalid/v1\n"
                + "  api_key_env: HELIX_DOCTOR_TEST_KEY_THAT_IS_NEVER_SET\n";
        TestRepo repo = TestRepo.withAgent(tmp.resolve("unpriced"), unpriced);
        JsonNode cost = check(repo.helix("doctor", "--quick", "--json").json().get("data"), "cost");
        assertThat(cost.get("status").asText()).isEqualTo("warn");
        assertThat(cost.get("message").asText()).isEqualTo("openai: unknown: a --max-cost cap cannot hold (the model 'my-finetune' "
                + "is not in the built-in price table of 2025-11-30); helix run refuses --max-cost");
        assertThat(cost.get("fix").asText()).contains("input_per_mtok", "--max-tokens N");
        assertThat(repo.helix("agent-info", "--json").json().at("/data/project_cost").asText()).startsWith("openai: unknown");

        TestRepo priced = TestRepo.withAgent(tmp.resolve("priced"), unpriced + "  price: {input_per_mtok: 1, output_per_mtok: 2}\n");
        assertThat(priced.helix("doctor", "--quick", "--text").out())
                .contains("Where the cost comes from: openai: priced from agent.price (1 USD in / 2 USD out per million tokens)");
        TestRepo.Run info = priced.helix("agent-info", "--text");
        assertThat(info.out()).contains("this project's helix.yaml: openai: priced from agent.price (1 USD in / 2 USD out per million tokens)")
                .containsPattern("anthropic +built-in; cost tokens priced from agent.price, else the built-in price table dated 2025-11-30")
                .containsPattern("claude +built-in; cost reported by the backend");

        TestRepo local = TestRepo.withAgent(tmp.resolve("local"), unpriced.replace("https://api.example.invalid", "http://127.0.0.1:9"));
        assertThat(check(local.helix("doctor", "--quick", "--json").json().get("data"), "cost").get("message").asText())
                .isEqualTo("openai: local, free (0 unless agent.price is set) (http://127.0.0.1:9/v1)");
    }

    @Test
    void quickSkipsTheEvaluationAndAFailingEvaluationIsReported() {
        TestRepo repo = good();
        assertThat(statuses(repo.helix("doctor", "--quick").json().get("data")))
                .containsEntry("evaluate_runs", "skip").containsEntry("metrics_parse", "skip");

        repo.write("evaluate.sh", "echo boom; exit 3\n");
        repo.commitAll("a broken evaluation");
        JsonNode data = repo.helix("doctor").json().get("data");
        assertThat(check(data, "evaluate_runs").get("status").asText()).isEqualTo("fail");
        assertThat(check(data, "evaluate_runs").get("message").asText()).contains("exited with code 3: boom");
        assertThat(check(data, "metrics_parse").get("status").asText()).isEqualTo("skip");
    }

    @Test
    void aLockLeftByADeadProcessIsAWarningThatSaysHowToResume() throws Exception {
        TestRepo repo = good();
        Files.createDirectories(repo.dir.resolve(".helix/locks"));
        Files.writeString(repo.dir.resolve(".helix/locks/nov23.lock"), "pid=2147483646\nstarted=2024-11-23T00:00:00Z\n");
        JsonNode lock = check(repo.helix("doctor", "--quick").json().get("data"), "lock");
        assertThat(lock.get("status").asText()).isEqualTo("warn");
        assertThat(lock.get("message").asText()).contains("nov23 (pid 2147483646 is gone)");
        assertThat(lock.get("fix").asText()).isEqualTo("continue it with: helix run --resume --tag nov23");
    }

    @Test
    void outsideARepositoryTheFirstCheckFailsAndTheRestAreSkipped() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"doctor", "--json"}, new java.io.PrintWriter(out), new java.io.PrintWriter(err), false, plain);
        TestRepo.Run run = new TestRepo.Run(code, out.toString(), err.toString());
        assertThat(run.code()).isEqualTo(2);
        Map<String, String> status = statuses(run.json().get("data"));
        assertThat(status.get("git_repo")).isEqualTo("fail");
        assertThat(status.entrySet().stream().filter(e -> !e.getKey().equals("git_repo")).map(Map.Entry::getValue))
                .containsOnly("skip");
    }

    static String normalise(String out, TestRepo repo) {
        return out.replace(repo.dir.toString(), "<repo>")
                .replaceAll("at [0-9a-f]{7}", "at <commit>")
                .replaceAll("ran in [0-9.]+s", "ran in <s>s")
                .replaceAll("[0-9.]+ GiB free", "<n> GiB free")
                .replaceAll("today's tag [a-z]{3}[0-9]{1,2} ", "today's tag <tag> ")
                // what this machine offers (bubblewrap, user namespaces) differs between machines
                .replaceAll("; sandbox: .*\n", "; sandbox: <what this machine offers>\n")
                // so does the machine itself
                .replaceAll("Environment a session records: CPU: .*; system: .*\n", "Environment a session records: CPU: <cpu>; system: <system>\n");
    }

    static Map<String, String> statuses(JsonNode data) {
        Map<String, String> m = new LinkedHashMap<>();
        data.get("checks").forEach(c -> m.put(c.get("id").asText(), c.get("status").asText()));
        return m;
    }

    static JsonNode check(JsonNode data, String id) {
        for (JsonNode c : data.get("checks")) if (c.get("id").asText().equals(id)) return c;
        throw new AssertionError("no check " + id + " in " + data);
    }
}
