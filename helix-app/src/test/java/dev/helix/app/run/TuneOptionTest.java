package dev.helix.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.ParameterText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code --tune} options become parameters: which assignments they find, and which options they refuse. */
class TuneOptionTest {
    @TempDir
    Path tmp;

    private Spec spec(String targetFile) throws IOException {
        Path toml = tmp.resolve("autoresearch.toml");
        Files.writeString(toml, """
                target_file = "%s"
                eval_command = "sh eval.sh"
                metric_name = "val_bpb"
                metric_direction = "lower"
                """.formatted(targetFile));
        return SpecFiles.load(toml);
    }

    @Test
    void theValueIsFoundAsProgramsAndConfigFilesAssignIt() throws IOException {
        Spec spec = spec("train.py");
        Spec.Parameter lr = TuneOption.parse("LR=1e-4..1e-2:log", spec);
        assertThat(lr.file()).isEqualTo("train.py");
        assertThat(lr.type()).isEqualTo(Spec.ParamType.FLOAT);
        assertThat(lr.log()).isTrue();
        assertThat(ParameterText.read(lr, "x = 1\nLR = 3e-4  # the rate\n")).contains("3e-4");
        assertThat(ParameterText.read(lr, "LR: float = 0.001\n")).contains("0.001");
        assertThat(ParameterText.read(lr, "LR: 0.02\n")).contains("0.02");
        assertThat(ParameterText.read(lr, "  LR=-.5\n")).contains("-.5");
        assertThat(ParameterText.read(lr, "MIN_LR = 0.1\nLRX = 2\n")).as("another name is not this one").isEmpty();

        Spec.Parameter batch = TuneOption.parse("cfg/train.yaml:batch_size=16..128", spec);
        assertThat(batch.file()).isEqualTo("cfg/train.yaml");
        assertThat(batch.type()).isEqualTo(Spec.ParamType.INT);
        assertThat(ParameterText.read(batch, "model:\n  batch_size: 64\n")).contains("64");

        Spec.Parameter act = TuneOption.parse("ACT=relu|gelu|silu", spec);
        assertThat(act.type()).isEqualTo(Spec.ParamType.CATEGORICAL);
        assertThat(act.choices()).containsExactly("relu", "gelu", "silu");
        assertThat(ParameterText.write(act, "ACT = \"relu\"\n", "gelu")).isEqualTo("ACT = \"gelu\"\n");
        assertThat(ParameterText.write(act, "act: relu\nACT: 'relu'\n", "silu")).isEqualTo("act: relu\nACT: 'silu'\n");
    }

    @Test
    void optionsThatCannotBeAParameterAreUsageErrorsThatSayWhy() throws IOException {
        Spec spec = spec("train.py");
        assertThatThrownBy(() -> TuneOption.parse("LR", spec)).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.getMessage()).contains("--tune LR: expected [FILE:]NAME=LOW..HIGH"));
        assertThatThrownBy(() -> TuneOption.parse("LR=0.1-1", spec)).hasMessageContaining("is not a range LOW..HIGH");
        assertThatThrownBy(() -> TuneOption.parse("LR=1..1", spec)).hasMessageContaining("low end must be below");
        assertThatThrownBy(() -> TuneOption.parse("ACT=relu", spec)).hasMessageContaining("is not a range");
        assertThatThrownBy(() -> TuneOption.parse("ACT=relu|", spec)).hasMessageContaining("two or more plain words");
        assertThatThrownBy(() -> TuneOption.parse("1LR=0..1", spec)).hasMessageContaining("is not a name");
        Spec globbed = spec("src/*.py");
        assertThatThrownBy(() -> TuneOption.parse("LR=0.1..1", globbed)).hasMessageContaining("which file?")
                .isInstanceOfSatisfying(AppException.class, e -> assertThat(e.suggestion()).contains("--tune FILE:LR=0.1..1"));
    }
}
