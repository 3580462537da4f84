package dev.helix.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a session's sandbox hides from its proposers and evaluations. */
class SessionSandboxTest {
    @TempDir
    Path tmp;

    @Test
    void theResidentHelixsDirectoryIsHiddenSoThatItCannotReadTheLedgerForAProposer() throws Exception {
        // the resident Helix reads the ledger outside the sandbox for whoever holds its token, which
        // lies in its directory: a proposer reaching it would read the ledger (and the hold-out values)
        Path toml = tmp.resolve("autoresearch.toml");
        Files.writeString(toml, """
                target_file = "train.py"
                eval_command = "sh eval.sh"
                metric_name = "val_bpb"
                metric_direction = "lower"
                """);
        Spec spec = SpecFiles.load(toml);
        Path home = tmp.resolve("home");
        Path runtime = tmp.resolve("run-user");
        Files.createDirectories(runtime);

        assertThat(SessionSandbox.hidden(tmp, spec, Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString())))
                .contains(runtime.resolve("helix"), home.resolve(".cache/helix"));
        assertThat(SessionSandbox.hidden(tmp, spec, Map.of("HOME", home.toString()))).contains(home.resolve(".cache/helix"));
    }
}
