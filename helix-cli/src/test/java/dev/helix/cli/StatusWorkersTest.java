package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.store.SessionLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix status while a session runs: every worker (what it evaluates, where, for how long) as the
 * running loop's board .helix/runs/TAG/workers.json says, believed only while the process that
 * wrote it holds the session's lock; the stale count.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StatusWorkersTest {
    @TempDir
    Path tmp;

    /** A finished two-experiment session "s", then this process holding its lock as its running loop would. */
    private TestRepo finishedSession() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(repo.helix("run", "--tag", "s", "--max-experiments", "2").code()).isZero();
        return repo;
    }

    private static String board(long pid, Instant now) {
        return """
                {"pid":%d,"workers":[
                 {"worker":1,"run":3,"phase":"evaluating","where":"gpu 0","direction":"optimizer","since":"%s"},
                 {"worker":2,"run":4,"phase":"proposing","where":"","direction":"data","since":"%s"},
                 {"worker":3,"run":0,"phase":"idle","where":"","direction":"","since":"%s"}]}
                """.formatted(pid, now.minusSeconds(65), now.minusSeconds(12), now.minusSeconds(2));
    }

    private static Path boardFile(TestRepo repo) {
        return repo.dir.resolve(".helix/runs/s/workers.json");
    }

    @Test
    void whileItsLoopHoldsTheLockStatusShowsEveryWorkerOfItsBoard() throws IOException {
        TestRepo repo = finishedSession();
        try (SessionLock lock = SessionLock.acquire(SessionLock.forTag(repo.dir.resolve(".helix"), "s"))) {
            Instant written = Instant.now();
            Files.writeString(boardFile(repo), board(ProcessHandle.current().pid(), written));

            JsonNode json = repo.helix("status").json().get("data");
            // 65 s in its phase when written, plus however long status took to look (rounded up)
            long looked = Duration.between(written, Instant.now()).toSeconds() + 1;
            assertThat(json.get("running").asBoolean()).isTrue();
            assertThat(json.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            JsonNode workers = json.get("workers");
            assertThat(workers).hasSize(3);
            JsonNode first = workers.get(0);
            assertThat(first.get("worker").asInt()).isEqualTo(1);
            assertThat(first.get("run").asInt()).isEqualTo(3);
            assertThat(first.get("phase").asText()).isEqualTo("evaluating");
            assertThat(first.get("where").asText()).isEqualTo("gpu 0");
            assertThat(first.get("direction").asText()).isEqualTo("optimizer");
            assertThat(first.get("seconds").asLong()).as("seconds in its phase").isBetween(65L, 65L + looked);
            assertThat(first.get("budget_seconds").asInt()).as("evaluate.timeout_seconds").isEqualTo(20);
            assertThat(workers.get(1).get("phase").asText()).isEqualTo("proposing");
            assertThat(workers.get(1).get("run").asInt()).isEqualTo(4);
            assertThat(workers.get(2).get("phase").asText()).isEqualTo("idle");
            assertThat(workers.get(2).has("budget_seconds")).as("idle has no budget").isFalse();
            assertThat(json.get("stale").asInt()).isZero();

            String text = repo.helix("--text", "status").out();
            assertThat(text).contains("Session s (branch helix/s): running, pid " + ProcessHandle.current().pid() + "\n"
                    + "Workers: 2 of 3 busy\n");
            assertThat(text).containsPattern("\n  w1 +#3 +evaluating +1m\\d\\ds of 20s +gpu 0 +· optimizer\n");
            assertThat(text).containsPattern("\n  w2 +#4 +proposing +1\\ds of 30m +· data\n");
            assertThat(text).containsPattern("\n  w3 +idle\n");
        }
    }

    @Test
    void aBoardWrittenByAnotherProcessIsNotBelievedAndStatusFallsBackToTheInferredExperiment() throws IOException {
        TestRepo repo = finishedSession();
        try (SessionLock lock = SessionLock.acquire(SessionLock.forTag(repo.dir.resolve(".helix"), "s"))) {
            Files.writeString(boardFile(repo), board(ProcessHandle.current().pid() + 100_000, Instant.now()));

            JsonNode workers = repo.helix("status").json().get("data").get("workers");
            assertThat(workers).as("one worker, on the run after the last record, proposing (no log yet)").hasSize(1);
            assertThat(workers.get(0).get("worker").asInt()).isEqualTo(1);
            assertThat(workers.get(0).get("run").asInt()).isEqualTo(3);
            assertThat(workers.get(0).get("phase").asText()).isEqualTo("proposing");
        }
    }

    @Test
    void onceTheLockIsReleasedABoardLeftBehindIsIgnored() throws IOException {
        TestRepo repo = finishedSession();
        Files.writeString(boardFile(repo), board(ProcessHandle.current().pid(), Instant.now()));

        JsonNode json = repo.helix("status").json().get("data");
        assertThat(json.get("running").asBoolean()).isFalse();
        assertThat(json.has("workers")).isFalse();
        assertThat(repo.helix("--text", "status").out()).doesNotContain("Workers:");
    }

    @Test
    void aHalfWrittenBoardIsNoBoard() throws IOException {
        TestRepo repo = finishedSession();
        try (SessionLock lock = SessionLock.acquire(SessionLock.forTag(repo.dir.resolve(".helix"), "s"))) {
            Files.writeString(boardFile(repo), board(ProcessHandle.current().pid(), Instant.now()).substring(0, 60));
            TestRepo.Run status = repo.helix("status");
            assertThat(status.code()).as(status.toString()).isZero();
            assertThat(status.json().get("data").get("workers")).hasSize(1);
        }
    }

    /**
     * A real helix run --workers 2 whose experiments' evaluations hold until helix status has seen
     * both workers busy at once and a slot shown (polled, bounded); none after it ends; the board
     * is gone. Held, not timed: on a busy machine one status call can outlast a short evaluation.
     */
    @Test
    void aRealTwoWorkerSessionShowsBothWorkersWhileItRunsAndNoneAfter() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        Path release = tmp.resolve("release");
        repo.write("evaluate.sh", """
                #!/bin/sh
                if [ "$HELIX_EXPERIMENT" != 0 ]; then
                  i=0; while [ ! -e RELEASE ] && [ $i -lt 1500 ]; do sleep 0.1; i=$((i + 1)); done
                fi
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """.replace("RELEASE", "'" + release + "'"));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: 300"));
        repo.commitAll("experiments that hold until released");
        CompletableFuture<TestRepo.Run> run = CompletableFuture.supplyAsync(
                () -> repo.helix("run", "--tag", "par", "--workers", "2", "--max-experiments", "6"));

        List<JsonNode> seen = new ArrayList<>();
        Instant end = Instant.now().plusSeconds(120);
        boolean bothBusy = false;
        boolean slotShown = false;
        while (!(bothBusy && slotShown) && !run.isDone() && Instant.now().isBefore(end)) {
            TestRepo.Run status = repo.helix("status", "--tag", "par");
            if (status.code() == 0) {
                JsonNode data = status.json().get("data");
                if (data.get("running").asBoolean() && data.has("workers")) {
                    seen.add(data.get("workers"));
                    JsonNode w = data.get("workers");
                    bothBusy |= w.size() == 2 && busy(w.get(0)) && busy(w.get(1))
                            && w.get(0).get("run").asInt() != w.get(1).get("run").asInt();
                    slotShown |= w.findValuesAsText("where").stream().anyMatch(where -> where.startsWith("slot "));
                }
            }
            Thread.sleep(150);
        }
        Files.writeString(release, "");
        assertThat(bothBusy).as("two workers busy on two experiments at one moment; seen: %s", seen).isTrue();
        JsonNode last = seen.get(seen.size() - 1);
        assertThat(last.get(0).get("worker").asInt()).isEqualTo(1);
        assertThat(last.get(1).get("worker").asInt()).isEqualTo(2);
        assertThat(slotShown).as("an evaluation shows its slot; seen: %s", seen).isTrue();

        TestRepo.Run finished = run.get(120, TimeUnit.SECONDS);
        assertThat(finished.code()).as(finished.toString()).isZero();
        JsonNode after = repo.helix("status", "--tag", "par").json().get("data");
        assertThat(after.get("running").asBoolean()).isFalse();
        assertThat(after.has("workers")).isFalse();
        assertThat(repo.dir.resolve(".helix/runs/par/workers.json")).doesNotExist();
        assertThat(after.get("stale").asInt()).as("the ledger's experiments that ended stale")
                .isEqualTo(endedStale(repo.ledger()));
        if (after.get("stale").asInt() > 0) {
            assertThat(repo.helix("--text", "status", "--tag", "par").out()).contains(after.get("stale").asInt() + " stale");
        }
    }

    private static boolean busy(JsonNode worker) {
        return worker.get("run").asInt() > 0 && !worker.get("phase").asText().equals("idle");
    }

    private static int endedStale(List<JsonNode> ledger) {
        Map<Integer, JsonNode> last = new HashMap<>();
        for (JsonNode e : ledger) {
            if (e.get("run").asInt() == 0) continue;
            last.merge(e.get("run").asInt(), e, (a, b) -> b.path("attempt").asInt() >= a.path("attempt").asInt() ? b : a);
        }
        return (int) last.values().stream().filter(e -> e.get("status").asText().equals("stale")).count();
    }
}
