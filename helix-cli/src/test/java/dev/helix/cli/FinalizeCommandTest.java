package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.finalizing.FinalizeSession;
import dev.helix.app.finalizing.ResultGates;
import dev.helix.core.result.Contribution;
import dev.helix.core.result.FinalResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix finalize on real git and real evaluations: the gain re-measured, each kept change reverted
 * alone on the best, the changes that matter replayed on the base as helix/TAG-final.
 */
class FinalizeCommandTest {
    @TempDir
    Path tmp;

    /**
     * Four keeps: #1 takes the fast path (10 to 20); #2 switches to the new solver, which ignores the
     * fast path (30, so #1 is dead code now); #3 and #4 raise the level on the same line (+1, +1), so
     * #3 cannot be reverted without #4.
     */
    private TestRepo session() {
        return session(null);
    }

    /** The same, its evaluation adding uniform noise of the amplitude {@code amplitude} holds, when given. */
    private TestRepo session(Path amplitude) {
        return session(amplitude, "");
    }

    /** The same, with {@code extraSpec} appended to helix.yaml. */
    private TestRepo session(Path amplitude, String extraSpec) {
        TestRepo repo = TestRepo.scored(tmp.resolve("repo"), "solver", """
                #!/bin/sh
                mode=$(cat mode.conf); fast=$(cat fast.conf); level=$(cat level.conf)
                if [ "$mode" = new ]; then base=30; elif [ "$fast" = 1 ]; then base=20; else base=10; fi
                """ + (amplitude == null ? "echo \"score: $((base + level))\"\n" : """
                seed=$(od -An -N4 -tu4 /dev/urandom)
                awk -v s="$((base + level))" -v a="$(cat %s)" -v seed="$seed" \\
                  'BEGIN { srand(seed); printf "score: %%.6f\\n", s + a * (2 * rand() - 1) }'
                """.formatted(amplitude)), extraSpec,
                "fast.conf", "0\n", "mode.conf", "old\n", "level.conf", "0\n");
        keep(repo, "fast.conf", "1\n", "take the fast path");
        keep(repo, "mode.conf", "new\n", "switch to the new solver");
        keep(repo, "level.conf", "1\n", "raise the level to 1");
        keep(repo, "level.conf", "2\n", "raise the level to 2");
        return repo;
    }

    @Test
    void anInterruptedFinalizeRemovesTheWorktreesItMade() throws Exception {
        Path amplitude = tmp.resolve("amplitude");
        Files.writeString(amplitude, "0\n");
        TestRepo repo = session(amplitude);
        // from now on an evaluation waits on the pipe: finalize is stopped in its first measurement
        Files.delete(amplitude);
        assertThat(new ProcessBuilder("mkfifo", amplitude.toString()).start().waitFor()).isZero();
        Path log = tmp.resolve("finalize.log");
        Process finalize = repo.helixProcess(log, "finalize", "--tag", "s").start();
        Path dir = repo.dir.resolve(".helix/worktrees/.finalize/s");
        try {
            for (int i = 0; i < 1200 && !(Files.isDirectory(dir.resolve("measure")) && Files.isDirectory(dir.resolve("branch"))
                    && Files.exists(tmp.resolve("finalize.log")) && Files.readString(log).contains("blocks")); i++) {
                Thread.sleep(100);
            }
            assertThat(dir.resolve("branch")).as(Files.readString(log)).isDirectory();
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(finalize.pid())).start().waitFor()).isZero();
            assertThat(finalize.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
        } finally {
            finalize.destroyForcibly();
            // the evaluation left waiting on the pipe is let go (bounded: nobody may be reading any more)
            Process release = new ProcessBuilder("timeout", "10", "sh", "-c", "echo 0 > " + amplitude).start();
            release.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        assertThat(finalize.exitValue()).as(Files.readString(log)).isEqualTo(130);
        assertThat(repo.git("worktree", "list")).doesNotContain(".finalize");
        assertThat(repo.dir.resolve(".helix/worktrees/.finalize")).doesNotExist();
    }

    private static void keep(TestRepo repo, String file, String text, String description) {
        repo.write(file, text);
        TestRepo.Run run = repo.helix("--json", "try", "--tag", "s", "-m", description);
        assertThat(run.json().get("data").get("status").asText()).as(run.toString()).isEqualTo("keep");
    }

    @Test
    void dropsTheChangeALaterOneMadeDeadAndConfirmsTheGain() throws Exception {
        TestRepo repo = session();
        String userHead = repo.git("rev-parse", "HEAD");
        String userBranch = repo.git("branch", "--show-current");

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.dir.resolve(".helix/worktrees/.finalize")).as("nothing of finalize's own is left").doesNotExist();
        JsonNode data = run.json().get("data");
        assertThat(data.get("confirmed").asBoolean()).isTrue();
        assertThat(data.get("gain").get("value").asDouble()).isEqualTo(22.0);
        assertThat(data.get("gain").get("ci_low").asDouble()).isPositive();
        List<String> fates = new ArrayList<>();
        data.get("changes").forEach(c -> fates.add(c.get("run").asInt() + " " + c.get("fate").asText()));
        assertThat(fates).containsExactly("1 dropped", "2 needed", "3 unclear", "4 needed");
        assertThat(data.get("changes").get(0).get("contribution").get("value").asDouble()).isZero();
        // Weighed without #1, already dropped: the new solver is worth the whole +20 of the fast path and its own.
        assertThat(data.get("changes").get(1).get("contribution").get("value").asDouble()).isEqualTo(20.0);
        assertThat(data.get("changes").get(2).has("contribution")).isFalse();
        // Without #1 the final tree scores what the best does.
        assertThat(data.get("final_gain").get("value").asDouble()).isEqualTo(22.0);

        // The final branch: the base, then #2, #3, #4, one commit each, saying what each contributes.
        String base = repo.ledger().get(0).get("commit").asText();
        assertThat(repo.git("rev-list", "--count", base + "..helix/s-final")).isEqualTo("3");
        assertThat(repo.git("merge-base", "--is-ancestor", base, "helix/s-final")).isEmpty();
        assertThat(repo.git("log", "--format=%s", base + "..helix/s-final").lines().toList())
                .containsExactly("raise the level to 2", "raise the level to 1", "switch to the new solver");
        String message = repo.git("log", "-1", "--format=%B", "helix/s-final~2");
        assertThat(message).contains("Contributes +20", "to score", "Kept: removing it hurts", "experiment #2");
        assertThat(repo.git("show", "helix/s-final:fast.conf")).isEqualTo("0");
        assertThat(repo.git("show", "helix/s-final:level.conf")).isEqualTo("2");

        // Nothing of the user's moved; Helix's worktrees are gone.
        assertThat(repo.git("rev-parse", "HEAD")).isEqualTo(userHead);
        assertThat(repo.git("branch", "--show-current")).isEqualTo(userBranch);
        assertThat(repo.git("status", "--porcelain")).isEmpty();
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);

        // The summary: a file, and a section of the HTML report.
        String md = Files.readString(repo.dir.resolve(".helix/runs/s/final.md"));
        assertThat(md).contains("Gain confirmed", "dropped: removing it does not hurt", "does not revert cleanly", "helix/s-final");
        assertThat(Files.readString(repo.dir.resolve(".helix/runs/s/final.json"))).isEqualTo("{\"confirmed\":true,\"changes\":4,"
                + "\"measured\":3,\"dropped\":1,\"marginal\":0,\"kept_anyway\":0,\"unclear\":1,\"written\":true,\"branch\":\"helix/s-final\"}\n");
        TestRepo.Run report = repo.helix("report", "--tag", "s", "--format", "html");
        assertThat(report.out()).contains("<h2>Finalized result</h2>", "switch to the new solver");
        assertThat(repo.helix("report", "--tag", "s", "--format", "md").out())
                .contains("## Finalized: session s", "### Changes (leave-one-out)", "| #1 | take the fast path |");
    }

    @Test
    void keepAllAndSquashWriteOneCommitWithEveryChange_andARerunReplacesOnlyHelixsBranch() {
        TestRepo repo = session();
        TestRepo.Run first = repo.helix("--json", "finalize", "--tag", "s", "--repeats", "3");
        assertThat(first.code()).as(first.toString()).isZero();
        String before = repo.git("rev-parse", "helix/s-final");

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s", "--keep-all", "--squash");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("changes").get(0).get("fate").asText()).isEqualTo("kept_on_request");
        assertThat(data.get("changes").get(0).get("why").asText()).contains("--keep-all");
        assertThat(data.has("final_gain")).isFalse();
        assertThat(data.get("squashed").asBoolean()).isTrue();
        String base = repo.ledger().get(0).get("commit").asText();
        assertThat(repo.git("rev-list", "--count", base + "..helix/s-final")).isEqualTo("1");
        assertThat(repo.git("rev-parse", "helix/s-final")).isNotEqualTo(before);
        assertThat(repo.git("show", "helix/s-final:fast.conf")).isEqualTo("1");
        assertThat(repo.git("log", "-1", "--format=%B", "helix/s-final")).contains("#1 take the fast path", "#4 raise the level to 2");

        // A commit of the user's on the branch: Helix no longer owns it and refuses, before measuring anything.
        repo.git("worktree", "add", "-q", tmp.resolve("mine").toString(), "helix/s-final");
        Path mine = tmp.resolve("mine");
        repo.git("-C", mine.toString(), "commit", "-q", "--allow-empty", "-m", "my own note");
        String users = repo.git("rev-parse", "helix/s-final");
        TestRepo.Run refused = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.json().get("error").get("code").asText()).isEqualTo("final_branch_taken");
        assertThat(repo.git("rev-parse", "helix/s-final")).isEqualTo(users);
    }

    /**
     * The machine got noisy after the session (an input outside the repository): the intervals are
     * real ones now, and the changes that matter by far more than the noise still stand out.
     */
    @Test
    void onANoisyMachineTheContributionsCarryRealIntervals() throws Exception {
        Path amplitude = tmp.resolve("amplitude");
        Files.writeString(amplitude, "0\n");
        TestRepo repo = session(amplitude);
        Files.writeString(amplitude, "0.1\n");

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s", "--repeats", "6");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode gain = run.json().get("data").get("gain");
        assertThat(gain.get("ci_low").asDouble()).isGreaterThan(20).isLessThan(gain.get("value").asDouble());
        assertThat(gain.get("ci_high").asDouble()).isGreaterThan(gain.get("value").asDouble()).isLessThan(24);
        assertThat(gain.get("blocks").asInt()).isEqualTo(6);
        JsonNode changes = run.json().get("data").get("changes");
        assertThat(changes.get(1).get("fate").asText()).isEqualTo("needed");
        assertThat(changes.get(3).get("fate").asText()).isEqualTo("needed");
        assertThat(changes.get(3).get("contribution").get("ci_low").asDouble()).isGreaterThan(0.5).isLessThan(1);
    }

    /**
     * A session judged on a noisy metric expects some of its keeps to be noise; the report says how
     * many beside how many finalize dropped (here #1, which the new solver made dead code).
     */
    @Test
    void theReportSetsTheFalseKeepsExpectedBesideTheKeepsFinalizeDropped() throws Exception {
        Path amplitude = tmp.resolve("amplitude");
        Files.writeString(amplitude, "0.1\n");
        TestRepo repo = session(amplitude, "judge:\n  mode: statistical\n");
        String before = repo.helix("report", "--tag", "s", "--format", "md").out();
        assertThat(before).containsPattern("\\| False keeps expected \\| at most [0-9.]+ of 4 kept \\(")
                .doesNotContain("finalize dropped");
        Files.writeString(amplitude, "0\n"); // the machine is quiet when finalize weighs the changes

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");

        assertThat(run.code()).as(run.toString()).isZero();
        String after = repo.helix("report", "--tag", "s", "--format", "md").out();
        assertThat(after).containsPattern("\\| False keeps expected \\| expected about [0-9.]+ of 4 kept \\([^)]*\\); finalize dropped 1 "
                + "of 4 kept changes \\(their removal did not hurt\\); 1 could not be measured alone; the gain is confirmed \\|");
        assertThat(repo.helix("report", "--tag", "s", "--format", "html").out()).contains("finalize dropped 1 of 4 kept changes");
        // The web view shows the same as a card of its own.
        JsonNode web = Output.JSON.readTree(new dev.helix.app.ui.DashboardData(SessionRecords.open(repo.dir)).session("s"));
        assertThat(web.at("/final/confirmed").asBoolean()).as(web.toString()).isTrue();
        assertThat(web.at("/final/dropped").asInt()).isEqualTo(1);
        assertThat(web.at("/final/changes").asInt()).isEqualTo(4);
        assertThat(web.at("/final/text").asText()).startsWith("finalize dropped 1 of 4 kept changes (their removal did not hurt)");
        assertThat(web.at("/final/summary").asText()).isEqualTo(".helix/runs/s/final.md");
    }

    /**
     * Two changes that each give the whole gain (the second kept for being simpler): either one alone
     * can go, not both. Weighed one after the other, the first is dropped and the second then matters.
     */
    @Test
    void ofTwoChangesThatDoTheSameThingOnlyOneIsDropped() {
        TestRepo repo = TestRepo.scored(tmp.resolve("repo"), "twins", """
                #!/bin/sh
                if [ "$(cat fast.conf)" = 1 ] || [ "$(cat turbo.conf)" = 1 ]; then echo "score: 20"; else echo "score: 10"; fi
                """, "",
                "fast.conf", "0\n", "turbo.conf", "0\n", "notes.conf", "a note\nanother note\n");
        keep(repo, "fast.conf", "1\n", "take the fast path");
        repo.write("notes.conf", "a note\n");
        keep(repo, "turbo.conf", "1\n", "turbo instead, and one note less");

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("changes").get(0).get("fate").asText()).isEqualTo("dropped");
        assertThat(data.get("changes").get(1).get("fate").asText()).isEqualTo("needed");
        assertThat(data.get("changes").get(1).get("contribution").get("value").asDouble()).isEqualTo(10.0);
        assertThat(data.get("final_gain").get("value").asDouble()).isEqualTo(10.0);
        assertThat(repo.git("show", "helix/s-final:turbo.conf")).isEqualTo("1");
        assertThat(repo.git("show", "helix/s-final:fast.conf")).isEqualTo("0");
    }

    /**
     * Checks that fail on the final tree (here: they insist on the dropped fast path) keep the branch
     * from being written; the summary says so. Checks and hold-out see the final tree itself.
     */
    @Test
    void failingChecksOnTheFinalTreeLeaveTheBranchUnwritten() throws Exception {
        TestRepo repo = session();
        List<Path> seen = new ArrayList<>();
        ResultGates gates = new ResultGates() {
            @Override
            public Optional<Checked> checks(Path tree) {
                seen.add(tree);
                try {
                    Process p = new ProcessBuilder("sh", "-c", "test \"$(cat level.conf)\" != 2 || { echo 'level 2 is not allowed'; exit 1; }")
                            .directory(tree.toFile()).redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes()).strip();
                    return Optional.of(new Checked(p.waitFor() == 0, out));
                } catch (java.io.IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public Optional<String> holdout(Path tree, String commit) {
                return Optional.of("level " + repo.read(repo.dir.relativize(tree.resolve("level.conf")).toString()).strip());
            }

            @Override
            public Optional<String> environment() {
                return Optional.of("a test machine");
            }
        };
        SessionRecords s = SessionRecords.read(repo.dir, Optional.of("s"));
        FinalResult result = FinalizeSession.run(s.workspace(), "s", s.records(), SpecFiles.load(repo.dir.resolve("helix.yaml")),
                new FinalizeSession.Options(false, false, 3), gates, line -> {});

        // the checks fail without #1 and with it alike: #1 is dropped all the same, and the final tree fails them
        assertThat(seen).hasSize(3);
        assertThat(result.changes().get(0).fate()).isEqualTo(dev.helix.core.result.Contribution.Fate.DROPPED);
        assertThat(result.written()).isFalse();
        assertThat(result.checks()).hasValueSatisfying(c -> assertThat(c).startsWith("FAILED").contains("level 2 is not allowed"));
        assertThat(result.holdout()).contains("level 2");
        assertThat(repo.git("branch", "--list", "helix/s-final")).isEmpty();
        assertThat(Files.readString(repo.dir.resolve(".helix/runs/s/final.md")))
                .contains("NOT WRITTEN (the checks failed)", "Hold-out**: level 2", "Environment**: a test machine");
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void aChangeTheChecksNeedIsKeptThoughTheMetricDoesNotMissIt() throws Exception {
        // the tests want the fast path although the new solver makes it worthless to the score
        TestRepo repo = session(null, "  checks: 'test \"$(cat fast.conf)\" = 1 || { echo the fast path is off; exit 1; }'\n");

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode data = run.json().get("data");
        List<String> fates = new ArrayList<>();
        data.get("changes").forEach(c -> fates.add(c.get("run").asInt() + " " + c.get("fate").asText()));
        assertThat(fates).containsExactly("1 checks_fail_without", "2 needed", "3 unclear", "4 needed");
        assertThat(repo.git("show", "helix/s-final:fast.conf")).isEqualTo("1");
        assertThat(Files.readString(repo.dir.resolve(".helix/runs/s/final.md"))).contains("kept: removing it makes the checks fail")
                .contains("**Checks**: passed");
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
    }

    @Test
    void refusesABranchTheUserMadeAndASessionWithoutKeeps() {
        TestRepo repo = session();
        TestRepo.Run fork = repo.helix("--json", "fork", "final", "--tag", "s");
        assertThat(fork.code()).isEqualTo(2);
        assertThat(fork.json().get("error").get("code").asText()).isEqualTo("reserved_name");
        repo.git("branch", "helix/s-final", "main");
        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.json().get("error").get("message").asText()).contains("helix/s-final", "Helix did not write it");
        assertThat(repo.git("rev-parse", "helix/s-final")).isEqualTo(repo.git("rev-parse", "main"));

        repo.git("switch", "-q", "main");
        repo.write("level.conf", "-1\n");
        TestRepo.Run worse = repo.helix("--json", "try", "--tag", "t", "-m", "lower the level");
        assertThat(worse.json().get("data").get("status").asText()).as(worse.toString()).isEqualTo("discard");
        TestRepo.Run empty = repo.helix("--json", "finalize", "--tag", "t");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.json().get("error").get("code").asText()).isEqualTo("nothing_to_finalize");
    }

    /**
     * A review worktree has helix/s-final checked out: finalize refuses (exit 2) before measuring,
     * and the branch and that worktree stay where they were.
     */
    @Test
    void refusesToMoveTheFinalBranchUnderAnotherWorktree() {
        TestRepo repo = session();
        TestRepo.Run first = repo.helix("--json", "finalize", "--tag", "s", "--keep-all");
        assertThat(first.code()).as(first.toString()).isZero();
        String written = repo.git("rev-parse", "helix/s-final");
        Path review = tmp.resolve("review");
        repo.git("worktree", "add", "-q", review.toString(), "helix/s-final");
        String[] logs = repo.dir.resolve(".helix/runs/s").toFile().list();

        TestRepo.Run again = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(again.code()).as(again.toString()).isEqualTo(2);
        JsonNode error = again.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("final_branch_checked_out");
        assertThat(error.get("message").asText()).contains("helix/s-final", "review");
        assertThat(error.get("suggestion").asText()).contains("switch --detach");
        assertThat(repo.git("rev-parse", "helix/s-final")).isEqualTo(written);
        assertThat(repo.git("-C", review.toString(), "status", "--porcelain")).isEmpty();
        assertThat(repo.dir.resolve(".helix/runs/s").toFile().list()).as("nothing measured").containsExactlyInAnyOrder(logs);

        // Detached, the review worktree no longer holds the branch, and finalize writes it.
        repo.git("-C", review.toString(), "switch", "-q", "--detach");
        TestRepo.Run written2 = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(written2.code()).as(written2.toString()).isZero();
        assertThat(repo.git("show", "helix/s-final:fast.conf")).isEqualTo("0");
    }

    /**
     * A command proposer's change crashed (a=1 with b=x) and its fix-up (b=0) was kept: the change is
     * both commits, from the baseline, so finalize measures it (+5) and replays a=1 with b=0.
     */
    @Test
    void aKeptFixUpIsWeighedAndReplayedWithTheAttemptItFixed() {
        TestRepo repo = TestRepo.scored(tmp.resolve("repo"), "fixup", """
                #!/bin/sh
                a=$(cat a.conf); b=$(cat b.conf)
                case "$b" in ''|*[!0-9]*) echo "b is not a number: $b"; exit 1;; esac
                echo "score: $((10 + 5 * a + b))"
                """, """
                agent:
                  backend: command
                  command: sh agent.sh
                """,
                "a.conf", "0\n", "b.conf", "0\n");
        repo.write("agent.sh", """
                #!/bin/sh
                cat > /dev/null
                if [ "${HELIX_ATTEMPT:-0}" != 0 ]; then echo 0 > b.conf; echo '{"description": "b back to a number"}'; exit 0; fi
                [ "$HELIX_EXPERIMENT" = 1 ] || exit 3
                echo 1 > a.conf; echo x > b.conf
                echo '{"description": "a on, b as x"}'
                """);
        repo.commitAll("the proposer");
        TestRepo.Run run = repo.helix("--json", "run", "--tag", "s", "--max-experiments", "1");
        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt() + ":" + r.get("attempt").asInt() + ":" + r.get("status").asText())
                .containsExactly("0:0:baseline", "1:0:crash", "1:1:keep");
        String base = ledger.get(0).get("commit").asText();
        assertThat(ledger.get(2).get("parent").asText()).as("the fix-up starts from the crash").isEqualTo(ledger.get(1).get("commit").asText());

        TestRepo.Run finalized = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(finalized.code()).as(finalized.toString()).isZero();
        JsonNode change = finalized.json().get("data").get("changes").get(0);
        assertThat(change.get("fate").asText()).isEqualTo("needed");
        assertThat(change.get("contribution").get("value").asDouble()).isEqualTo(5.0);
        assertThat(repo.git("rev-list", "--count", base + "..helix/s-final")).isEqualTo("1");
        assertThat(repo.git("show", "helix/s-final:a.conf")).isEqualTo("1");
        assertThat(repo.git("show", "helix/s-final:b.conf")).isEqualTo("0");
        assertThat(repo.git("log", "-1", "--format=%s", "helix/s-final")).isEqualTo("b back to a number");
    }

    /**
     * #2 uses what #1 adds: without #1 the evaluation crashes. #1 is kept as needed ("removing it
     * breaks the evaluation") and finalize goes on to write the branch.
     */
    @Test
    void aChangeWithoutWhichTheEvaluationCrashesIsNeeded() {
        TestRepo repo = TestRepo.scored(tmp.resolve("repo"), "needs", """
                #!/bin/sh
                h=$(cat helper.conf); f=$(cat feature.conf)
                if [ "$f" = 1 ] && [ "$h" != 1 ]; then echo "the feature needs the helper"; exit 1; fi
                echo "score: $((10 + h + 10 * f))"
                """, "",
                "helper.conf", "0\n", "feature.conf", "0\n");
        keep(repo, "helper.conf", "1\n", "add the helper");
        keep(repo, "feature.conf", "1\n", "the feature, on the helper");

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode changes = run.json().get("data").get("changes");
        assertThat(changes.get(0).get("fate").asText()).isEqualTo("crashes_without");
        assertThat(changes.get(0).get("kept").asBoolean()).isTrue();
        assertThat(changes.get(0).get("why").asText()).isEqualTo("kept: removing it breaks the evaluation");
        assertThat(changes.get(0).has("contribution")).isFalse();
        assertThat(changes.get(1).get("fate").asText()).isEqualTo("needed");
        assertThat(repo.git("show", "helix/s-final:helper.conf")).isEqualTo("1");
        assertThat(repo.git("log", "-1", "--format=%B", "helix/s-final~1")).contains("does not evaluate", "breaks the evaluation");
        assertThat(run.json().get("data").get("summary").asText()).isNotBlank();
    }

    /**
     * The machine breaks for trees without the fast path after the leave-one-out (an input outside
     * the repository): the final tree crashes against the baseline; finalize says so and does not
     * write the branch.
     */
    @Test
    void aFinalTreeThatCrashesIsSaidAndNotWritten() throws Exception {
        TestRepo repo = TestRepo.scored(tmp.resolve("repo"), "breaks", """
                #!/bin/sh
                mode=$(cat mode.conf); fast=$(cat fast.conf)
                if [ -e %s ] && [ "$fast" = 0 ] && [ "$mode" = new ]; then echo "the machine broke"; exit 1; fi
                if [ "$mode" = new ]; then echo "score: 30"; elif [ "$fast" = 1 ]; then echo "score: 20"; else echo "score: 10"; fi
                """.formatted(tmp.resolve("broken")), "",
                "fast.conf", "0\n", "mode.conf", "old\n");
        keep(repo, "fast.conf", "1\n", "take the fast path");
        keep(repo, "mode.conf", "new\n", "switch to the new solver");
        SessionRecords s = SessionRecords.read(repo.dir, Optional.of("s"));
        FinalResult result = FinalizeSession.run(s.workspace(), "s", s.records(), SpecFiles.load(repo.dir.resolve("helix.yaml")),
                new FinalizeSession.Options(false, false, 3), ResultGates.NONE, line -> {
                    try {
                        if (line.startsWith("the final tree")) Files.writeString(tmp.resolve("broken"), "");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        assertThat(result.changes().get(0).fate()).isEqualTo(Contribution.Fate.DROPPED);
        assertThat(result.changes().get(1).fate()).isEqualTo(Contribution.Fate.NEEDED);
        assertThat(result.result()).isEmpty();
        assertThat(result.resultCrash()).hasValueSatisfying(why -> assertThat(why).contains("crashed"));
        assertThat(result.written()).isFalse();
        assertThat(repo.git("branch", "--list", "helix/s-final")).isEmpty();
        assertThat(Files.readString(repo.dir.resolve(".helix/runs/s/final.md")))
                .contains("Final tree**: does not evaluate without the 1 dropped change", "NOT WRITTEN (the final tree does not evaluate)");
        assertThat(repo.git("worktree", "list").lines()).hasSize(1);
    }

    /**
     * Sessions tagged s-final-measure and t-baseline (their worktrees under .helix/worktrees, each
     * with a file of its own) are not touched by finalize --tag s nor by the first try of session t,
     * whose own worktrees live apart.
     */
    @Test
    void finalizeAndTryLeaveTheWorktreesOfSessionsWhoseTagsLookLikeTheirOwn() throws Exception {
        TestRepo repo = session();
        repo.write("helix.yaml", repo.read("helix.yaml") + "agent: {backend: command, command: \"true\"}\n");
        repo.commitAll("a proposer");
        List<String> tags = List.of("s-final-measure", "t-baseline");
        for (String tag : tags) {
            TestRepo.Run other = repo.helix("--json", "run", "--tag", tag, "--max-experiments", "1");
            assertThat(other.code()).as(other.toString()).isZero();
            Files.writeString(repo.dir.resolve(".helix/worktrees/" + tag + "/notes.txt"), "the session's own\n");
        }

        TestRepo.Run run = repo.helix("--json", "finalize", "--tag", "s");
        assertThat(run.code()).as(run.toString()).isZero();
        repo.git("switch", "-q", "main");
        repo.write("level.conf", "5\n");
        TestRepo.Run tried = repo.helix("--json", "try", "--tag", "t", "-m", "raise the level to 5");
        assertThat(tried.code()).as(tried.toString()).isZero();
        for (String tag : tags) {
            assertThat(repo.dir.resolve(".helix/worktrees/" + tag + "/notes.txt")).hasContent("the session's own");
        }
        assertThat(repo.git("worktree", "list").lines()).hasSize(3);
    }
}
