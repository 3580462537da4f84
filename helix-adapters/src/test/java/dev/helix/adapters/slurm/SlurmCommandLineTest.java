package dev.helix.adapters.slurm;

import dev.helix.adapters.testing.DeadPort;
import dev.helix.core.port.Executor.Request;
import dev.helix.core.spec.Spec.SlurmSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** How an evaluation becomes an srun command line (no cluster needed). */
class SlurmCommandLineTest {

    final SrunCommand srun = new SrunCommand(SlurmSpec.DEFAULT);

    @TempDir
    Path tmp;

    private static Request request(String command, Duration timeout) {
        return new Request(command, Path.of("/shared/wt"), timeout, Map.of(), Path.of("/shared/eval.log"));
    }

    @Test
    void the_slurm_time_limit_is_the_timeout_in_whole_minutes_plus_one_and_run_slurm_options_come_before_extra_args() {
        SrunCommand configured = new SrunCommand(new SlurmSpec(Optional.of("gpu"), 4, Optional.of("16G"),
                Optional.of("gpu:1"), List.of("--account=lab", "--time=30")));

        List<String> cmd = configured.line(request("python train.py", Duration.ofSeconds(90)), "helix-x");

        assertThat(cmd).containsSubsequence("srun", "--job-name=helix-x", "--time=3", "--partition=gpu",
                "--cpus-per-task=4", "--mem=16G", "--gres=gpu:1", "--account=lab", "--time=30", "sh", "-c", "python train.py");
        assertThat(srun.line(request("x", Duration.ofSeconds(60)), "j")).contains("--time=2")
                .noneMatch(a -> a.startsWith("--partition") || a.startsWith("--mem") || a.startsWith("--cpus"));
    }

    @Test
    void the_job_name_carries_the_session_tag_and_experiment_and_is_unique() {
        String a = SrunCommand.jobName(Map.of("HELIX_TAG", "nov23", "HELIX_EXPERIMENT", "7"));
        String b = SrunCommand.jobName(Map.of("HELIX_TAG", "nov23", "HELIX_EXPERIMENT", "7"));

        assertThat(a).matches("helix-nov23-7-[0-9a-f]{8}").isNotEqualTo(b);
        assertThat(SrunCommand.jobName(Map.of("HELIX_TAG", "a b/c"))).matches("helix-a_b_c-[0-9a-f]{8}");
    }

    @Test
    void a_state_line_of_another_job_is_not_ours() {
        Optional<String> sacct = Optional.of("18|helix-x-1-aaaaaaaa|COMPLETED|n1\n19|helix-y-1-bbbbbbbb|CANCELLED by 0|n2\n");

        assertThat(JobState.parse(sacct, "helix-x-1-aaaaaaaa")).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo("COMPLETED"));
        assertThat(JobState.parse(sacct, "helix-y-1-bbbbbbbb")).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo("CANCELLED"));
        assertThat(JobState.parse(sacct, "helix-z-1-cccccccc")).isEmpty();
    }

    @Test
    void an_evaluation_of_a_session_is_a_job_with_the_session_marker_as_its_comment() {
        Request marked = new Request("x", Path.of("/shared/wt"), Duration.ofSeconds(60),
                Map.of("HELIX_SESSION", "helix-nov23-1a2b3c4d"), Path.of("/shared/eval.log"));

        assertThat(srun.line(marked, "j")).contains("--comment=helix-session=helix-nov23-1a2b3c4d");
        assertThat(srun.line(request("x", Duration.ofSeconds(60)), "j")).noneMatch(a -> a.startsWith("--comment"));
    }

    @Test
    void cancel_marked_is_a_quick_no_op_without_slurm() throws Exception {
        long started = System.nanoTime();

        assertThat(SessionJobs.cancelMarked("helix-x-1", Map.of("PATH", tmp.toString()))).isZero();
        assertThat(SessionJobs.cancelMarked("helix-x-1", Map.of("PATH", System.getenv("PATH"),
                "SLURM_CONF", tmp.resolve("no-such.conf").toString()))).isZero();

        // No client is started: far quicker than the limit a started one would be given.
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(SessionJobs.CANCEL_MARKED_LIMIT.toSeconds());
    }

    /**
     * squeue alone retries a controller for MessageTimeout seconds (its own sleeps, so no faster on an
     * idle machine): a minute here, far from the limit of a few seconds, so a busy machine's delay
     * in killing it cannot blur the two.
     */
    @Test
    void cancel_marked_gives_up_on_a_controller_that_does_not_answer_within_its_limit() throws Exception {
        assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "squeue"))),
                "squeue is not installed");
        try (DeadPort dead = DeadPort.open()) {
            cancelMarkedGivesUpAt(dead.port());
        }
    }

    private void cancelMarkedGivesUpAt(int port) throws Exception {
        Path conf = Files.writeString(tmp.resolve("slurm.conf"), """
                ClusterName=nowhere
                SlurmctldHost=localhost(127.0.0.1)
                SlurmctldPort=%d
                MessageTimeout=60
                NodeName=n1 NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
                PartitionName=p Nodes=n1 Default=YES State=UP
                """.formatted(port));
        long started = System.nanoTime();

        int cancelled = SessionJobs.cancelMarked("helix-x-1", Map.of("PATH", System.getenv("PATH"), "SLURM_CONF", conf.toString()));

        assertThat(cancelled).isZero();
        // At the limit squeue is killed: a busy machine delays the kill, but not by the better part
        // of the minute squeue would still go on retrying.
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(30);
    }
}
