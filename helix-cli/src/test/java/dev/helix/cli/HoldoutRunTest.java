package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * evaluate.holdout on real git and real processes: the primary is (x - 1.7)^2, the hold-out is
 * (x - t)^2 with t read from a hidden file the proposer's worktree never holds. Moving x from 4.0
 * to 3.0 improves the primary (5.29 to 1.69) and worsens the hold-out (t = 4.2: 0.04 to 1.44), a
 * constructed overfit.
 */
class HoldoutRunTest {
    @TempDir
    Path tmp;

    private static final String HOLDOUT = """
            #!/bin/sh
            [ -f data/test.txt ] || { echo "no hidden data" >&2; exit 3; }
            x=$(sed -n 's/^x = //p' params.txt)
            t=$(cat data/test.txt)
            awk -v x="$x" -v t="$t" 'BEGIN { printf "loss: %.6f\\n", (x - t) * (x - t) }'
            """;

    /** The quadratic project with a command proposer that sets x and notes whether it can see the hidden file. */
    private TestRepo project(String holdoutSource) {
        return project(holdoutSource, "data/**");
    }

    /** The same, with scope.hidden as given. */
    private TestRepo project(String holdoutSource, String hidden) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Path probe = tmp.resolve("probe.txt");
        repo.write("agent.sh", "#!/bin/sh\n"
                + "if [ -e data/test.txt ] || [ -e ../data/test.txt ]; then echo present >> '" + probe + "'; else echo absent >> '" + probe + "'; fi\n"
                + "sed -i 's/^x = .*/x = 3.0/' params.txt\n"
                + "echo '{\"description\": \"x = 3.0\"}'\n");
        String spec = repo.read("helix.yaml");
        repo.write("helix.yaml", spec.substring(0, spec.indexOf("agent:")) + "agent:\n  backend: command\n  command: sh agent.sh\n");
        repo.withHoldout(HOLDOUT, "    " + holdoutSource + "\n");
        if (!hidden.equals("data/**")) {
            repo.write("helix.yaml", repo.read("helix.yaml").replace("  hidden: [data/**]\n", "  hidden: [\"" + hidden + "\"]\n"));
            repo.commitAll("scope.hidden as the user wrote it");
        }
        return repo;
    }

    @Test
    void hiddenFilesFromADirectoryAreMeasuredOnBaselineAndKeepsAndTheOverfitIsFlagged() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        Files.writeString(heldout.resolve("data/other.bin"), "not named by the hold-out, copied all the same by data/**\n");
        TestRepo repo = project("from_dir: " + heldout);

        TestRepo.Run run = repo.helix("run", "--tag", "h", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err() + run.out()).contains("hold-out: sh holdout.sh on the baseline and every keep");
        JsonNode baseline = repo.ledger().get(0);
        JsonNode kept = repo.ledger().get(1);
        assertThat(baseline.get("primary").asDouble()).isEqualTo(5.29, Offset.offset(1e-9));
        assertThat(baseline.at("/holdout/value").asDouble()).as(baseline.toString()).isEqualTo(0.04, Offset.offset(1e-9));
        assertThat(baseline.at("/holdout/samples").size()).isEqualTo(3); // evaluate.repeats, the baseline's default
        assertThat(kept.get("status").asText()).isEqualTo("keep");
        assertThat(kept.at("/holdout/value").asDouble()).isEqualTo(1.44, Offset.offset(1e-9));
        assertThat(Files.readString(tmp.resolve("probe.txt")).strip()).isEqualTo("absent");
        assertThat(repo.git("worktree", "list")).doesNotContain("helix-holdout-");
        assertThat(repo.git("show", "helix/h:experiments.jsonl")).contains("\"status\":\"keep\"").doesNotContain("holdout");

        JsonNode status = repo.helix("--json", "status").json().get("data");
        assertThat(status.at("/holdout/overfitting").asBoolean()).as(status.toString()).isTrue();
        assertThat(status.at("/holdout/curve/1/holdout").asDouble()).isEqualTo(1.44, Offset.offset(1e-9));
        assertThat(status.at("/last/holdout").isMissingNode()).isTrue(); // records as JSON never carry it
        assertThat(repo.helix("--text", "status").out()).contains("Hold-out: OVERFITTING");
        String report = repo.helix("--text", "report").out();
        assertThat(report).contains("## Hold-out").contains("**OVERFITTING").contains("| 1 | keep | 1.69 | 1.44 |");
        JsonNode web = Output.JSON.readTree(new dev.helix.app.ui.DashboardData(SessionRecords.open(repo.dir)).session("h"));
        assertThat(web.at("/holdout/overfitting").asBoolean()).as(web.toString()).isTrue();
        assertThat(web.at("/holdout/curve/0/holdout").asDouble()).isEqualTo(0.04, Offset.offset(1e-9));
        assertThat(web.at("/holdout/curve/1/primary").asDouble()).isEqualTo(1.69, Offset.offset(1e-9));
        Path html = tmp.resolve("report.html");
        assertThat(repo.helix("--text", "report", "-o", html.toString()).code()).isZero();
        assertThat(html).content().contains("<section id=\"holdout\" class=\"overfitting\"").contains("id=\"holdout\" fill=\"none\"");
    }

    @Test
    void hiddenFilesFromAGitRefAreUsedAndAHoldoutThatGetsBetterIsNotFlagged() throws Exception {
        TestRepo repo = project("from_ref: refs/hidden/data");
        repo.git("checkout", "-q", "-b", "hidden");
        repo.write("data/test.txt", "2.5\n");
        repo.commitAll("held-out data");
        repo.git("update-ref", "refs/hidden/data", "HEAD");
        repo.git("checkout", "-q", "main");
        repo.git("branch", "-q", "-D", "hidden");

        TestRepo.Run run = repo.helix("run", "--tag", "r", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).at("/holdout/value").asDouble()).isEqualTo(2.25, Offset.offset(1e-9)); // (4.0 - 2.5)^2
        assertThat(repo.ledger().get(1).at("/holdout/value").asDouble()).isEqualTo(0.25, Offset.offset(1e-9)); // (3.0 - 2.5)^2
        assertThat(Files.exists(repo.dir.resolve("data/test.txt"))).isFalse();
        assertThat(Files.readString(tmp.resolve("probe.txt")).strip()).isEqualTo("absent");
        JsonNode status = repo.helix("--json", "status").json().get("data");
        assertThat(status.at("/holdout/overfitting").asBoolean()).isFalse();
        assertThat(repo.helix("--text", "status").out()).contains("Hold-out: primary +3.6").doesNotContain("OVERFITTING");
    }

    @Test
    void aFromDirThatIsALinkOrHoldsALinkedDirectoryIsFollowed() throws Exception {
        // the held-out data lives on a big disk, linked from where the spec points
        Path disk = Files.createDirectories(tmp.resolve("disk/test-split"));
        Files.writeString(disk.resolve("test.txt"), "4.2\n");
        Path heldout = Files.createDirectories(tmp.resolve("heldout"));
        Files.createSymbolicLink(heldout.resolve("data"), disk);
        Path link = Files.createSymbolicLink(tmp.resolve("heldout-link"), heldout);
        TestRepo repo = project("from_dir: " + link);

        TestRepo.Run run = repo.helix("run", "--tag", "l", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).at("/holdout/value").asDouble()).as(repo.ledger().get(0).toString())
                .isEqualTo(0.04, Offset.offset(1e-9));
    }

    @Test
    void hiddenFilesFromAGitRefKeepTheirExecutableBitAndTheirSymlinks() throws Exception {
        TestRepo repo = project("from_ref: refs/hidden/data");
        repo.write("holdout.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                [ -L data/current.txt ] || { echo "data/current.txt is not a symlink" >&2; exit 6; }
                t=$(./data/target.sh) || exit 7
                awk -v x="$x" -v t="$t" 'BEGIN { printf "loss: %.6f\\n", (x - t) * (x - t) }'
                """);
        repo.commitAll("a hold-out with a helper script and a link");
        repo.git("checkout", "-q", "-b", "hidden");
        repo.write("data/target.sh", "#!/bin/sh\ncat data/current.txt\n");
        Files.setPosixFilePermissions(repo.dir.resolve("data/target.sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        repo.write("data/v2.txt", "2.5\n");
        Files.createSymbolicLink(repo.dir.resolve("data/current.txt"), Path.of("v2.txt"));
        repo.commitAll("held-out data with a helper");
        repo.git("update-ref", "refs/hidden/data", "HEAD");
        repo.git("checkout", "-q", "main");
        repo.git("branch", "-q", "-D", "hidden");

        TestRepo.Run run = repo.helix("run", "--tag", "x", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).at("/holdout/value").asDouble()).as(repo.ledger().get(0).toString())
                .isEqualTo(2.25, Offset.offset(1e-9));
    }

    @Test
    void aHiddenFileTheBranchTracksStopsTheSessionBeforeItStarts() {
        TestRepo repo = project("from_dir: ../heldout");
        repo.write("data/test.txt", "4.2\n");
        repo.commitAll("held-out data committed by mistake");

        TestRepo.Run run = repo.helix("run", "--tag", "x", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.toString()).contains("scope.hidden").contains("data/test.txt").contains("git rm --cached");
        assertThat(repo.ledger()).isEmpty();
    }

    @Test
    void aHiddenDirectoryWrittenAsUsersWriteItKeepsItsFilesFromTheProposerAndGivesThemToTheHoldout() throws Exception {
        Path heldout = tmp.resolve("heldout");
        Files.createDirectories(heldout.resolve("data"));
        Files.writeString(heldout.resolve("data/test.txt"), "4.2\n");
        for (String hidden : new String[] {"data", "data/"}) {
            TestRepo repo = project("from_dir: " + heldout, hidden);
            TestRepo.Run measured = repo.helix("run", "--tag", "d", "--max-experiments", "1");
            assertThat(measured.code()).as(measured.toString()).isZero();
            assertThat(repo.ledger().get(0).at("/holdout/value").asDouble()).as(hidden + ": " + repo.ledger().get(0))
                    .isEqualTo(0.04, Offset.offset(1e-9));

            repo.write("data/test.txt", "4.2\n");
            repo.commitAll("held-out data committed by mistake");
            TestRepo.Run refused = repo.helix("run", "--tag", "t", "--max-experiments", "1");
            assertThat(refused.code()).as(hidden + ": " + refused).isEqualTo(2);
            assertThat(refused.toString()).contains("data/test.txt").contains("git rm --cached");
            try (var paths = Files.walk(tmp.resolve("repo"))) {
                for (Path f : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
            }
        }
    }

    @Test
    void aSourceDirectoryInsideTheRepositoryStopsTheSessionBeforeItStarts() {
        TestRepo repo = project("from_dir: .heldout");

        TestRepo.Run run = repo.helix("run", "--tag", "i", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        assertThat(run.toString()).contains("is inside the repository").contains("../heldout");
        assertThat(repo.ledger()).isEmpty();
    }

    @Test
    void aMissingSourceIsRecordedAsTheHoldoutsFailureAndTheSessionGoesOn() {
        TestRepo repo = project("from_dir: " + tmp.resolve("nowhere"));

        TestRepo.Run run = repo.helix("run", "--tag", "m", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).at("/holdout/failure").asText()).contains("is not a directory");
        assertThat(repo.ledger().get(0).at("/holdout/value").isNull()).isTrue();
    }

    @Test
    void aHoldoutThatFailsOnTheBaselineIsSaidInStatusAndTheReportNotLeftOut() throws Exception {
        Path heldout = tmp.resolve("heldout");
        Files.createDirectories(heldout.resolve("data"));
        Files.writeString(heldout.resolve("data/test.txt"), "4.2\n");
        TestRepo repo = project("from_dir: " + heldout);
        repo.write("holdout.sh", HOLDOUT.replace("t=$(cat", "[ \"$x\" = 4.0 ] && { echo 'split missing' >&2; exit 4; }\nt=$(cat"));
        repo.commitAll("a hold-out that fails on the unchanged code");

        TestRepo.Run run = repo.helix("run", "--tag", "b", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).at("/holdout/failure").asText()).contains("exit code 4");
        assertThat(repo.ledger().get(1).at("/holdout/value").asDouble()).isEqualTo(1.44, Offset.offset(1e-9));
        assertThat(repo.helix("--text", "status").out())
                .contains("Hold-out: not compared: the baseline's hold-out failed (the hold-out command failed: exit code 4)");
        JsonNode status = repo.helix("--json", "status").json().get("data");
        assertThat(status.get("holdout_failure").asText()).as(status.toString()).contains("exit code 4");
        assertThat(repo.helix("--text", "report").out()).contains("## Hold-out").contains("the baseline's hold-out failed");
    }

    @Test
    void theConsoleOfRunAndWatchShowsTheHoldoutBesideEachKeepAndTheProposersRequestsNeverHoldIt() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        TestRepo repo = project("from_dir: " + heldout);
        Path requests = tmp.resolve("requests.txt");
        repo.write("agent.sh", repo.read("agent.sh").replace("#!/bin/sh\n", "#!/bin/sh\ncat >> '" + requests + "'\n"));
        repo.commitAll("the proposer keeps what it is asked");

        TestRepo.Run run = repo.helix("--text", "run", "--tag", "h", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        String console = run.out() + run.err();
        assertThat(console.lines().filter(l -> l.startsWith("#0 ")).findFirst().orElseThrow()).contains("baseline").endsWith("  [hold-out 0.04]");
        assertThat(console.lines().filter(l -> l.startsWith("#1 ")).findFirst().orElseThrow()).contains("keep").endsWith("  [hold-out 1.44]");
        assertThat(console.lines().filter(l -> l.contains("hold-out 1.44")).count()).as(console).isEqualTo(1);
        String asked = Files.readString(requests);
        assertThat(asked).as("the proposer was asked after the baseline's hold-out").contains("\"primary\":5.29");
        assertThat(asked).doesNotContain("holdout").doesNotContain("hold-out").doesNotContain("1.44").doesNotContain("0.04");

        TestRepo.Run watch = repo.helix("--text", "watch", "--once", "--tag", "h");
        assertThat(watch.code()).as(watch.toString()).isZero();
        assertThat(watch.out()).contains("last #1 keep 1.69  [hold-out 1.44]");
    }

    @Test
    void anAgentDrivingItselfIsNotShownTheHoldoutButTheUserCanAskForIt() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        TestRepo repo = project("from_dir: " + heldout);
        repo.write("params.txt", "x = 3.0\nwidth = 3\n");

        TestRepo.Run tried = repo.helix("--json", "try", "-m", "x = 3.0");

        assertThat(tried.code()).as(tried.toString()).isZero();
        assertThat(tried.out()).doesNotContain("holdout");
        assertThat(numbers(tried.json())).doesNotContain(1.44, 0.04); // a hash or a time may spell "1.44"
        assertThat(repo.ledger().get(0).at("/holdout/value").asDouble()).isEqualTo(0.04, Offset.offset(1e-9));
        assertThat(repo.ledger().get(1).at("/holdout/value").asDouble()).isEqualTo(1.44, Offset.offset(1e-9));
        TestRepo.Run status = repo.helix("--json", "status");
        assertThat(status.out()).doesNotContain("holdout");
        assertThat(repo.helix("--json", "status", "--holdout").json().at("/data/holdout/overfitting").asBoolean()).isTrue();
        TestRepo.Run watch = repo.helix("--text", "watch", "--once");
        assertThat(watch.out()).as(watch.toString()).contains("last #1 keep").doesNotContain("hold-out").doesNotContain("1.44");
    }

    @Test
    void doctorRunsTheHoldoutOnceWithoutSayingItsValueAndFailsWhenTheHiddenFilesAreMissing() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        TestRepo repo = project("from_dir: " + heldout);

        JsonNode good = repo.helix("doctor", "--json").json().get("data");
        JsonNode check = DoctorCommandTest.check(good, "holdout");
        assertThat(check.get("status").asText()).as(check.toString()).isEqualTo("pass");
        assertThat(check.get("message").asText()).contains("prints loss").doesNotContain("0.04");
        assertThat(repo.git("worktree", "list")).doesNotContain("helix-holdout-");

        Files.delete(heldout.resolve("data/test.txt"));
        JsonNode bad = repo.helix("doctor", "--json").json().get("data");
        assertThat(DoctorCommandTest.check(bad, "holdout").get("status").asText()).isEqualTo("fail");
        assertThat(DoctorCommandTest.check(bad, "holdout").get("message").asText()).contains("holds no file that scope.hidden");
    }

    /** Every number anywhere in {@code node}. */
    private static java.util.List<Double> numbers(JsonNode node) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        if (node.isNumber()) out.add(node.asDouble());
        node.forEach(child -> out.addAll(numbers(child)));
        return out;
    }
}
