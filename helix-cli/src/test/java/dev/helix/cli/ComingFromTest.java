package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other tools' projects, with their files as those tools document them, run by Helix unchanged
 * (on real git, with a real agent program behind the command backend).
 */
class ComingFromTest {
    @TempDir
    Path tmp;

    /**
     * An agent program for the command backend: saves each request, sets the number in
     * {@code file} to the next value of {@code values} (one per experiment), and touches
     * requirements.txt on the experiment {@code touch} (0: never).
     */
    private Path agent(String file, String key, String values, int touch) throws IOException {
        Path script = tmp.resolve("agent.sh");
        Files.writeString(script, """
                #!/bin/sh
                cat > "%1$s/request-$$.json"
                n=$(ls "%1$s" | grep -c '^request-')
                v=$(echo "%4$s" | cut -d' ' -f"$n")
                sed -i "s/^%3$s = .*/%3$s = $v/" %2$s
                if [ "$n" = "%5$d" ]; then echo "torch" >> requirements.txt; fi
                echo '{"description": "set %3$s to '"$v"'", "hypothesis": "it helps"}'
                """.formatted(tmp.resolve("requests"), file, key, values, touch));
        Files.createDirectories(tmp.resolve("requests"));
        return script;
    }

    private String requests() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(tmp.resolve("requests"))) {
            for (Path p : files.sorted().toList()) all.append(Files.readString(p)).append('\n');
        }
        return all.toString();
    }

    @Test
    void aPublishedHelixRunsAsItIsAndItsEarlierResultsAndTheMachineReachTheAgent() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("inference-opt"));
        repo.write("helix.yaml", """
                name: inference-opt
                version: 0.3.0
                author: A. Researcher
                domain: AI/ML
                description: >
                  Maximize inference throughput of a small causal LM
                  without hurting perplexity.
                scope:
                  editable: [infer.py]
                  readonly: [evaluate.py, program.md, helix.yaml]
                metrics:
                  primary:
                    name: tokens_per_sec
                    optimize: maximize
                  quality_guard:
                    name: perplexity
                    optimize: minimize
                    max_degradation: 0.05
                  evaluate:
                    command: sh evaluate.sh
                    timeout_seconds: 60
                    output_format: pattern
                    patterns:
                      primary: '^tokens_per_sec:\\s+([\\d.]+)'
                      quality_guard: '^perplexity:\\s+([\\d.]+)'
                requirements:
                  python: ">=3.11"
                  gpu: H100
                """);
        repo.write("infer.py", "BATCH = 4\n");
        repo.write("evaluate.sh", """
                b=$(sed -n 's/^BATCH = //p' infer.py)
                echo "tokens_per_sec: $((b * 100))"
                echo "perplexity: 20.0"
                """);
        repo.write("program.md", "Raise the batch size.\n");
        repo.write("experiments.tsv", """
                commit\ttokens_per_sec\tstatus\tdescription
                a1b2c3d\t380.5\tkeep\tbaseline
                b2c3d4e\t512.25\tkeep\tstatic KV cache
                c3d4e5f\t300\tdiscard\tfp8 everywhere
                """);
        repo.commitAll("a published helix");
        Path agent = agent("infer.py", "BATCH", "8", 0);

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "s", "--backend", "command", "--agent-command", "sh " + agent,
                "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("hardware: ").contains("cores")
                .contains("earlier sessions (experiments.tsv): tokens_per_sec: baseline 380.5, best 512.25 to beat (static KV cache)");
        JsonNode request = Output.JSON.readTree(requests());
        assertThat(request.get("briefing").asText()).contains("## The machine").contains("cores")
                .contains("best 512.25 to beat");
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep");
        assertThat(repo.ledger().get(1).get("metrics").get("tokens_per_sec").asDouble()).isEqualTo(800);
    }

    @Test
    void aResearchJsonWithEveryFieldOfItsReferenceRuns() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("solver"));
        repo.write("research.json", """
                {
                  "tag": "mar26",
                  "modifiable_files": ["solver.py"],
                  "readonly_files": ["bench.sh"],
                  "run_command": "sh bench.sh",
                  "metric_grep": "^throughput_ops_sec:",
                  "metric_name": "throughput_ops_sec",
                  "metric_direction": "higher",
                  "secondary_metrics": ["^peak_mem_mb:"],
                  "timeout_seconds": 60,
                  "setup_check": "test -f solver.py",
                  "no_new_dependencies": true,
                  "soft_constraints": ["keep solver.py readable", "no global state"]
                }
                """);
        repo.write("solver.py", "WORKERS = 2\n");
        repo.write("requirements.txt", "numpy\n");
        repo.write("bench.sh", """
                w=$(sed -n 's/^WORKERS = //p' solver.py)
                echo "warming up 3 rounds"
                echo "throughput_ops_sec: $((w * 1000)).5 ops/s"
                echo "peak_mem_mb: $((w * 10))"
                """);
        repo.commitAll("a project of the research skill");
        Path agent = agent("solver.py", "WORKERS", "4 8", 2);

        TestRepo.Run run = repo.helix("--text", "run", "--backend", "command", "--agent-command", "sh " + agent,
                "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("tag").asText()).containsOnly("mar26");
        assertThat(repo.git("branch", "--list", "helix/mar26")).contains("helix/mar26");
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "rejected");
        assertThat(ledger.get(0).get("metrics").get("throughput_ops_sec").asDouble()).isEqualTo(2000.5);
        assertThat(ledger.get(1).get("metrics").get("peak_mem_mb").asDouble()).isEqualTo(40);
        assertThat(ledger.get(2).get("reason").asText()).contains("requirements.txt");
        assertThat(requests()).contains("keep solver.py readable").contains("no global state");
        assertThat(repo.read("requirements.txt")).isEqualTo("numpy\n");
    }

    @Test
    void theSameFieldsWrittenAsResearchTomlRunTheSameWay() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("solver-toml"));
        repo.write("research.toml", """
                # the research skill's config, as TOML
                tag = "mar27"
                modifiable_files = ["solver.py"]
                readonly_files = ["bench.sh"]
                run_command = "sh bench.sh"
                metric_grep = '^throughput_ops_sec:'
                metric_direction = "higher"
                secondary_metrics = ["^peak_mem_mb:"]
                timeout_seconds = 60
                setup_check = "test -f solver.py"
                no_new_dependencies = true
                soft_constraints = \"""
                keep solver.py readable
                no global state\"""
                """);
        repo.write("solver.py", "WORKERS = 2\n");
        repo.write("requirements.txt", "numpy\n");
        repo.write("bench.sh", """
                w=$(sed -n 's/^WORKERS = //p' solver.py)
                echo "throughput_ops_sec: $((w * 1000)).5 ops/s"
                echo "peak_mem_mb: $((w * 10))"
                """);
        repo.commitAll("a project of the research skill, configured in TOML");
        Path agent = agent("solver.py", "WORKERS", "4 8", 2);

        TestRepo.Run run = repo.helix("--text", "run", "--backend", "command", "--agent-command", "sh " + agent,
                "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("tag").asText()).containsOnly("mar27");
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "rejected");
        assertThat(ledger.get(0).get("metrics").get("throughput_ops_sec").asDouble()).isEqualTo(2000.5);
        assertThat(ledger.get(1).get("metrics").get("peak_mem_mb").asDouble()).isEqualTo(40);
        assertThat(ledger.get(2).get("reason").asText()).contains("requirements.txt");
        assertThat(requests()).contains("keep solver.py readable").contains("no global state");
    }

    @Test
    void aClaudeMdSectionWithCommentsAndAShellMetricParseRuns() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("model"));
        repo.write("CLAUDE.md", """
                # My project

                Some notes for Claude.

                ## autoresearch
                - target_file: src/model.py   # the one file to change
                - run_command: sh train.sh
                - metric_name: accuracy        # printed as "acc:"
                - metric_parse: grep "acc:" run.log | tail -1 | awk '{print $2}'
                - metric_direction: higher_is_better
                - time_budget: 30              # seconds
                - readonly_files: train.sh, data/dataset.py

                ## Other notes
                Nothing here is configuration.
                """);
        repo.write("src/model.py", "DEPTH = 2\n");
        repo.write("data/dataset.py", "ROWS = 10\n");
        repo.write("train.sh", """
                d=$(sed -n 's/^DEPTH = //p' src/model.py)
                echo "epoch 1"
                echo "acc: 0.$((d + 1))0"
                echo "epoch 2"
                echo "acc: 0.$((d + 2))0"
                """);
        repo.commitAll("a project of autoresearch-builder");
        Path agent = agent("src/model.py", "DEPTH", "5", 0);

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "c", "--backend", "command", "--agent-command", "sh " + agent,
                "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep");
        assertThat(ledger.get(0).get("metrics").get("accuracy").asDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(ledger.get(1).get("metrics").get("accuracy").asDouble()).isCloseTo(0.7, within(1e-9));
    }

    @Test
    void aRunCommandThatWritesRunLogItselfHasItsMetricParsedFromThatFile() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("model-log"));
        repo.write("CLAUDE.md", """
                ## autoresearch
                - **target_file**: `src/model.py`   # the one file to change
                - run_command: sh train.sh > run.log 2>&1
                - metric_name: accuracy
                - metric_parse: grep "acc:" run.log | tail -1 | awk '{print $2}'
                - metric_direction: higher_is_better
                - time_budget: 30
                - readonly_files: train.sh
                """);
        repo.write(".gitignore", "run.log\n");
        repo.write("src/model.py", "DEPTH = 2\n");
        repo.write("train.sh", """
                d=$(sed -n 's/^DEPTH = //p' src/model.py)
                echo "acc: 0.$((d + 2))0"
                """);
        repo.commitAll("autoresearch-builder, its run_command writing run.log as that tool's own runs do");
        Path agent = agent("src/model.py", "DEPTH", "5", 0);

        TestRepo.Run doctor = repo.helix("--text", "doctor");
        assertThat(doctor.err() + doctor.out()).contains("accuracy = 0.4");
        TestRepo.Run run = repo.helix("--text", "run", "--tag", "l", "--backend", "command", "--agent-command", "sh " + agent,
                "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep");
        assertThat(ledger.get(0).get("metrics").get("accuracy").asDouble()).isCloseTo(0.4, within(1e-9));
        assertThat(ledger.get(1).get("metrics").get("accuracy").asDouble()).isCloseTo(0.7, within(1e-9));
    }

    @Test
    void anAutoresearchTomlReadsItsMetricWithoutAColonAndNamesTheSessionAfterItsBranch() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("gpt"));
        repo.write("autoresearch.toml", """
                target_file = "train.py"
                eval_command = "sh eval.sh"
                metric_name = "val_bpb"
                metric_direction = "lower"
                time_budget = "30s"
                branch = "autoresearch"
                """);
        repo.write("train.py", "LR = 4\n");
        repo.write("eval.sh", """
                lr=$(sed -n 's/^LR = //p' train.py)
                echo "step 100 loss 3.2"
                echo "val_bpb 1.0$lr"
                echo "done in 12 s"
                """);
        repo.commitAll("a project of the autoresearch CLI");
        Path agent = agent("train.py", "LR", "2", 0);

        TestRepo.Run run = repo.helix("--text", "run", "--backend", "command", "--agent-command", "sh " + agent,
                "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("tag").asText()).containsOnly("autoresearch");
        assertThat(ledger.get(0).get("metrics").get("val_bpb").asDouble()).isCloseTo(1.04, within(1e-9));
        assertThat(ledger.get(1).get("status").asText()).isEqualTo("keep");
        assertThat(ledger.get(1).get("metrics").get("val_bpb").asDouble()).isEqualTo(1.02);
    }

    @Test
    void aNanoGptTreeIsRecognisedByInitAndItsEvaluationParses() {
        TestRepo repo = new TestRepo(tmp.resolve("nanogpt"));
        repo.write("train.py", """
                import sys
                cfg = {}
                exec(open(sys.argv[1]).read(), cfg) if len(sys.argv) > 1 else None
                n = cfg.get("n_layer", 4)
                print("step 0: train loss 4.2874, val loss 4.2823")
                print(f"step 250: train loss 1.9, val loss {2.5 - n / 10:.4f}")
                """);
        repo.write("model.py", "class GPT: pass\n");
        repo.write("data/shakespeare_char/prepare.py", "print('prepared')\n");
        repo.write("config/train_shakespeare_char.py", "n_layer = 6\n");
        repo.commitAll("a nanoGPT-like tree");

        TestRepo.Run init = repo.helix("--text", "init");
        assertThat(init.code()).as(init.toString()).isZero();
        String yaml = repo.read("helix.yaml");
        assertThat(yaml).contains("config/*.py").contains("data/shakespeare_char/prepare.py")
                .contains("train.py config/train_shakespeare_char.py").contains("val_loss");
        assertThat(init.out() + init.err()).doesNotContain("No prepare.py");
        repo.commitAll("helix");
        TestRepo.Run doctor = repo.helix("--json", "doctor");
        JsonNode parsed = DoctorCommandTest.check(doctor.json().get("data"), "metrics_parse");
        assertThat(parsed.get("status").asText()).as(doctor.toString()).isEqualTo("pass");
        assertThat(parsed.toString()).contains("val_loss = 1.9");
    }

    @Test
    void anImportErrorInTheDoctorsRunNamesTheInterpreterThatCanImportIt() throws IOException {
        TestRepo repo = new TestRepo(tmp.resolve("venv-project"));
        Path lib = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(lib.resolve("helix_probe_mod.py"), "VALUE = 1\n");
        repo.write(".gitignore", ".venv/\n");
        // the project's own environment: an interpreter that has the module the system python lacks
        repo.write(".venv/bin/python", "#!/bin/sh\nPYTHONPATH=" + lib + " exec python3 \"$@\"\n");
        repo.dir.resolve(".venv/bin/python").toFile().setExecutable(true);
        repo.write("train.py", "import helix_probe_mod\nprint('val_bpb: 1.0')\n");
        repo.write("prepare.py", "print('ok')\n");
        repo.write("helix.yaml", """
                name: probe
                domain: AI/ML
                description: Lower val_bpb.
                scope: {editable: [train.py], readonly: [prepare.py]}
                metrics: {primary: {name: val_bpb}}
                evaluate: {command: python3 train.py, timeout_seconds: 60}
                agent: {backend: command, command: "true"}
                """);
        repo.commitAll("a project whose modules live in its .venv");

        TestRepo.Run doctor = repo.helix("--json", "doctor");
        JsonNode runs = DoctorCommandTest.check(doctor.json().get("data"), "evaluate_runs");
        assertThat(runs.get("status").asText()).isEqualTo("fail");
        assertThat(runs.toString()).contains(repo.dir.resolve(".venv/bin/python").toString())
                .contains("can import helix_probe_mod");
    }

    @Test
    void anAgentOfTheAutoresearchCliRecordsInItsOwnWords() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("q"), "");
        assertThat(repo.helix("record", "--tag", "r", "--status", "baseline", "--metric", "5", "-m", "baseline").code()).isZero();
        TestRepo.Run kept = repo.helix("--json", "record", "--tag", "r", "--status", "kept", "--metric", "4", "--summary", "x=3");
        assertThat(kept.code()).as(kept.toString()).isZero();
        TestRepo.Run discarded = repo.helix("record", "--tag", "r", "--status", "discarded", "--metric", "4.5", "--summary", "x=4");
        assertThat(discarded.code()).as(discarded.toString()).isZero();
        for (String bad : List.of("NaN", "Infinity", "-Infinity")) {
            TestRepo.Run r = repo.helix("record", "--tag", "r", "--status", "discarded", "--metric", bad, "--summary", "broken");
            assertThat(r.code()).as(r.toString()).isEqualTo(2);
        }
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText() + " " + r.get("description").asText())
                .containsExactly("baseline baseline", "keep x=3", "discard x=4");
    }

    @Test
    void installTakesTheAutoresearchCliNames() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("i"), "");
        TestRepo.Run one = repo.helix("--text", "install", "claude-code", "--home", tmp.resolve("home").toString());
        assertThat(one.code()).as(one.toString()).isZero();
        assertThat(tmp.resolve("home/.claude/skills/helix/SKILL.md")).exists();
        TestRepo.Run all = repo.helix("--json", "install", "all", "--home", tmp.resolve("home2").toString());
        assertThat(all.code()).as(all.toString()).isZero();
        assertThat(all.json().get("data").size()).isGreaterThanOrEqualTo(5);
        assertThat(tmp.resolve("home2/.claude/skills/helix/SKILL.md")).exists();
        assertThat(repo.git("status", "--porcelain")).isEmpty();
    }
}
