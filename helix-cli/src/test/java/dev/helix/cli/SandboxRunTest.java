package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.process.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run.sandbox with the real bubblewrap, on real git and real processes: a hostile `command`
 * proposer and evaluation try to read the ledger and the hold-out's hidden data and to write the
 * git directory's hooks and a file of the repository outside the worktree. Each attempt fails,
 * while the proposer's edit in its worktree is kept and judged, and the hold-out (outside the
 * sandbox) still reads its data. Each attempt is noted in a file outside the repository, where
 * the sandbox lets everyone write, as /tmp is.
 */
class SandboxRunTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void bubblewrapWorksHere() {
        // run-tests installs bubblewrap; a machine without it still runs the fallback test below
        assumeThat(Sandbox.find(System.getenv()).usable()).as("bubblewrap works on this machine").isTrue();
    }

    private static String attempt(String name, String command, Path probe) {
        return "if " + command + " >/dev/null 2>&1; then echo '" + name + "=done' >> '" + probe + "'; else echo '"
                + name + "=denied' >> '" + probe + "'; fi\n";
    }

    /** The quadratic project with a hold-out on hidden data, a hostile proposer, and an evaluation that looks for the data. */
    private TestRepo project(String sandbox) throws Exception {
        Path heldout = tmp.resolve("heldout");
        Files.createDirectories(heldout.resolve("data"));
        Files.writeString(heldout.resolve("data/test.txt"), "4.2\n");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Path repoDir = repo.dir.toRealPath();
        Path probe = tmp.resolve("probe.txt");
        repo.write("holdout.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                t=$(cat data/test.txt) || exit 3
                awk -v x="$x" -v t="$t" 'BEGIN { printf "loss: %.6f\\n", (x - t) * (x - t) }'
                """);
        repo.write("agent.sh", "#!/bin/sh\n"
                + attempt("ledger", "cat '" + repoDir + "/.helix/experiments.jsonl' ../../experiments.jsonl", probe)
                + attempt("hidden", "cat '" + heldout + "/data/test.txt'", probe)
                + attempt("hook", "sh -c 'echo exit 0 > \"$(git rev-parse --git-common-dir)/hooks/pre-commit\"'", probe)
                + attempt("outside", "sh -c 'echo planted > \"" + repoDir + "/planted.txt\"'", probe)
                + attempt("status", "git status --short", probe)
                + attempt("key", "sh -c 'ls -A \"" + keys() + "\" | grep -q .'", probe)
                + "sed -i 's/^x = .*/x = 3.0/' params.txt\n"
                + "echo '{\"description\": \"x = 3.0\"}'\n");
        repo.write("evaluate.sh", "#!/bin/sh\n" + attempt("eval-hidden", "cat '" + heldout + "/data/test.txt'", probe)
                + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        String spec = repo.read("helix.yaml");
        spec = spec.substring(0, spec.indexOf("agent:")) + "agent:\n  backend: command\n  command: sh agent.sh\n"
                + (sandbox.isEmpty() ? "" : "run:\n  sandbox: " + sandbox + "\n");
        spec = spec.replace("  editable: [params.txt]\n", "  editable: [params.txt]\n  hidden: [data/**]\n")
                .replace("  timeout_seconds: 20\n", "  timeout_seconds: 20\n  holdout:\n    command: sh holdout.sh\n"
                        + "    from_dir: " + heldout + "\n");
        repo.write("helix.yaml", spec);
        repo.commitAll("a hostile proposer and a hold-out on hidden data");
        return repo;
    }

    /** Where the keys that sign the ledger live (the tests' state home). */
    private static Path keys() {
        return Path.of(System.getProperty("helix.state.home")).resolve("keys").toAbsolutePath();
    }

    private Map<String, String> probe() throws Exception {
        Map<String, String> seen = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(tmp.resolve("probe.txt"))) {
            String[] kv = line.split("=", 2);
            seen.merge(kv[0], kv[1], (a, b) -> a.equals(b) ? a : a + "," + b);
        }
        return seen;
    }

    @Test
    void byDefaultTheProposerAndTheEvaluationReachNothingOutsideTheWorktreeAndTheEditIsJudged() throws Exception {
        TestRepo repo = project("");

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("sandbox: bubblewrap (run.sandbox: auto)");
        assertThat(probe()).containsExactlyInAnyOrderEntriesOf(Map.of("ledger", "denied", "hidden", "denied", "hook", "denied",
                "outside", "denied", "status", "done", "eval-hidden", "denied", "key", "denied"));
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger.get(1).get("status").asText()).as(ledger.get(1).toString()).isEqualTo("keep");
        assertThat(ledger.get(1).get("primary").asDouble()).isEqualTo(1.69, Offset.offset(1e-9));
        assertThat(ledger.get(0).at("/holdout/value").asDouble()).as(ledger.get(0).toString()).isEqualTo(0.04, Offset.offset(1e-9));
        assertThat(ledger.get(1).at("/holdout/value").asDouble()).isEqualTo(1.44, Offset.offset(1e-9));
        assertThat(repo.dir.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(repo.dir.resolve("planted.txt")).doesNotExist();
        assertThat(repo.git("show", "helix/s:params.txt")).contains("x = 3.0");
        assertThat(environment(repo).get("sandbox").asText()).isEqualTo("bubblewrap");
    }

    /** The session's environment record, where its start records which sandbox held. */
    private static JsonNode environment(TestRepo repo) throws Exception {
        return Output.JSON.readTree(Files.readAllLines(repo.dir.resolve(".helix/environments.jsonl")).getLast());
    }

    @Test
    void withRunSandboxNoneTheSameProposerReachesThemAndTheChecksAroundTheProposalRejectIt() throws Exception {
        TestRepo repo = project("none");

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("sandbox: none (run.sandbox: none)");
        assertThat(probe()).containsEntry("ledger", "done").containsEntry("hidden", "done").containsEntry("hook", "done")
                .containsEntry("eval-hidden", "done").containsEntry("key", "done");
        JsonNode rejected = repo.ledger().get(1);
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asText()).contains(".git/hooks/pre-commit created");
        assertThat(repo.dir.resolve(".git/hooks/pre-commit")).doesNotExist(); // put back
        assertThat(environment(repo).get("sandbox").asText()).isEqualTo("none");
        Files.deleteIfExists(repo.dir.resolve("planted.txt"));
    }

    @Test
    void autoOnAPathWithoutBubblewrapFallsBackAndSaysSo() throws Exception {
        TestRepo repo = project("");
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        for (String tool : List.of("sh", "git", "sed", "awk", "cat", "setsid", "perl", "taskset", "kill", "env", "ls",
                "mkdir", "rm", "head", "tail", "grep", "nproc", "uname", "cut", "tr", "sleep", "printf", "ps")) {
            Programs.link(bin, tool);
        }
        Path output = tmp.resolve("helix-output.log");
        ProcessBuilder pb = repo.helixProcess(output, "run", "--tag", "s", "--max-experiments", "1");
        pb.environment().put("PATH", bin.toString());
        Process helix = pb.start();
        assertThat(helix.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String said = Files.readString(output);
        assertThat(helix.exitValue()).as(said).isZero();
        assertThat(said).contains("sandbox: none (bubblewrap is not installed", "install bubblewrap");
        assertThat(probe()).containsEntry("hook", "done");
        assertThat(repo.ledger().get(1).get("status").asText()).isEqualTo("rejected");
        Files.deleteIfExists(repo.dir.resolve("planted.txt"));
    }

    @Test
    void bwrapWhereItCannotWorkIsAUsageErrorBeforeAnythingIsWritten() throws Exception {
        TestRepo repo = project("bwrap");
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        for (String tool : List.of("sh", "git")) Programs.link(bin, tool);
        Path output = tmp.resolve("helix-output.log");
        ProcessBuilder pb = repo.helixProcess(output, "run", "--tag", "s", "--max-experiments", "1");
        pb.environment().put("PATH", bin.toString());
        Process helix = pb.start();
        assertThat(helix.waitFor(120, TimeUnit.SECONDS)).isTrue();

        String said = Files.readString(output);
        assertThat(helix.exitValue()).as(said).isEqualTo(2);
        assertThat(said).contains("run.sandbox: bwrap, but bubblewrap is not installed", "install bubblewrap");
        assertThat(repo.dir.resolve(".helix/experiments.jsonl")).doesNotExist();
    }

    @Test
    void doctorSaysWhichSandboxIsInForce() throws Exception {
        TestRepo repo = project("");

        JsonNode on = DoctorCommandTest.check(repo.helix("doctor", "--quick").json().get("data"), "protection");
        repo.write("helix.yaml", repo.read("helix.yaml") + "run:\n  sandbox: none\n");
        JsonNode off = DoctorCommandTest.check(repo.helix("doctor", "--quick").json().get("data"), "protection");

        assertThat(on.get("status").asText()).isEqualTo("pass");
        assertThat(on.get("message").asText()).contains("sandbox: bubblewrap (run.sandbox: auto)", "do not see .helix/");
        assertThat(off.get("message").asText()).contains("sandbox: none (run.sandbox: none)", "not confined");
    }

    /** Links to the machine's programs, for a PATH that holds only what a test names. */
    private static final class Programs {
        static void link(Path bin, String tool) throws Exception {
            dev.helix.adapters.process.Programs.locate(tool, System.getenv())
                    .ifPresent(p -> {
                        try {
                            Files.createSymbolicLink(bin.resolve(tool), p.toRealPath());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
        }
    }
}
