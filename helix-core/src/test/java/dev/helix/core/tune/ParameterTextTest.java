package dev.helix.core.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterTextTest {

    static Parameter param(String pattern) {
        return new Parameter("lr", "train.py", pattern, ParamType.FLOAT, 1e-4, 1, true, List.of());
    }

    @Test
    void readsTheFirstGroupOfTheFirstMatch() {
        String text = "# LR = 9\nLR = 0.01  # learning rate\nLR = 0.5\n";
        assertThat(ParameterText.read(param("LR = ([0-9.eE-]+)"), text)).contains("9");
        assertThat(ParameterText.read(param("^LR = ([0-9.eE-]+)"), text)).contains("0.01");
    }

    @Test
    void readsNothingWhenThePatternDoesNotMatch() {
        assertThat(ParameterText.read(param("LR = ([0-9.]+)"), "lr = 0.1\n")).isEmpty();
        assertThat(ParameterText.read(param("LR = ([0-9.]+)"), "")).isEmpty();
    }

    @Test
    void readsNothingWhenTheFirstGroupDidNotTakePart() {
        Parameter p = param("LR = (?:([0-9.]+)|auto)");
        assertThat(ParameterText.read(p, "LR = auto\n")).isEmpty();
        assertThatThrownBy(() -> ParameterText.write(p, "LR = auto\n", "0.1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writesOnlyTheFirstMatchsGroupSpan() {
        String text = "\uFEFFx = 1\r\nLR = 0.01;  // é\r\nLR = 0.01;\r\n";
        String out = ParameterText.write(param("LR = ([0-9.eE-]+);"), text, "3.2e-4");
        assertThat(out).isEqualTo("\uFEFFx = 1\r\nLR = 3.2e-4;  // é\r\nLR = 0.01;\r\n");
    }

    @Test
    void writesReplacementCharactersLiterally() {
        String out = ParameterText.write(param("LR = (\\S+)"), "LR = 1\n", "$0\\1");
        assertThat(out).isEqualTo("LR = $0\\1\n");
    }

    @Test
    void writesValuesOfAnyLengthAndReadsThemBack() {
        Parameter p = param("LR = ([0-9.eE-]+)");
        String out = ParameterText.write(p, "LR = 0.000001\nrest", "2.0");
        assertThat(out).isEqualTo("LR = 2.0\nrest");
        assertThat(ParameterText.read(p, out)).contains("2.0");
    }

    @Test
    void writingWhenThePatternNoLongerMatchesNamesTheFileAndPattern() {
        assertThatThrownBy(() -> ParameterText.write(param("LR = ([0-9.]+)"), "lr = 0.1\n", "0.2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("train.py")
                .hasMessageContaining("'LR = ([0-9.]+)'")
                .hasMessageContaining("lr");
    }

    @Test
    void aPatternWithoutACaptureGroupIsRefused() {
        assertThatThrownBy(() -> ParameterText.read(param("LR = [0-9.]+"), "LR = 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no capture group");
    }

    @Test
    void anInvalidPatternIsRefusedNamingTheParameter() {
        assertThatThrownBy(() -> ParameterText.read(param("LR = ([0-9."), "LR = 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter lr")
                .hasMessageContaining("not a valid regular expression");
    }
}
