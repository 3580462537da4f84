package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation runs code a proposer wrote: it does not see the secret variables Helix knows, unless passed through. */
@Timeout(120)
class EvaluationSecretsTest {
    private static final String KEY = "sk-proj-EVALUATION-MUST-NOT-SEE-0123";
    private static final String CRED = "cred-EVALUATION-MUST-NOT-SEE-4567";
    private static final String HF = "hf_passed-through-on-purpose-890";

    @TempDir
    Path tmp;

    @Test
    void anEvaluationThatPrintsTheApiKeySeesNothingButWhatEnvPassthroughNames() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), """
                run:
                  secrets: [MY_SERVICE_CRED]
                """);
        repo.write("evaluate.sh", "#!/bin/sh\necho \"key=[$OPENAI_API_KEY] cred=[$MY_SERVICE_CRED] hf=[$HF_TOKEN] home=[$HOME]\"\n"
                + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  timeout_seconds: 20\n",
                "  timeout_seconds: 20\n  env_passthrough: [HF_TOKEN]\n"));
        repo.commitAll("an evaluation that prints what it sees");
        Path output = tmp.resolve("helix-output.log");
        ProcessBuilder pb = repo.helixProcess(output, "run", "--tag", "s", "--max-experiments", "0");
        pb.environment().put("OPENAI_API_KEY", KEY);
        pb.environment().put("MY_SERVICE_CRED", CRED);
        pb.environment().put("HF_TOKEN", HF);
        Process helix = pb.start();
        assertThat(helix.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(helix.exitValue()).as(Files.readString(output)).isZero();

        String log = Files.readString(repo.dir.resolve(".helix/runs/s/0.log"));
        assertThat(log).contains("key=[] cred=[] hf=[[REDACTED:HF_TOKEN]] home=[" + System.getenv("HOME") + "]");
        assertThat(log).doesNotContain(KEY).doesNotContain(CRED).doesNotContain(HF);
    }
}
