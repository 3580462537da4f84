package dev.helix.core.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NumbersTest {

    /** A float literal in Python, Java, JavaScript and Rust alike: digits with a '.' or an exponent. */
    static final String LITERAL = "-?(\\d+\\.\\d+|\\d+(\\.\\d+)?[eE]-?\\d+)";

    static String f(double v) {
        return Numbers.formatFloat(v, -1e300, 1e300, "0.1");
    }

    @Test
    void formatsCompactlyWithFourSignificantDigits() {
        assertThat(f(0.03125)).isEqualTo("0.03125");
        assertThat(f(0.031249999)).isEqualTo("0.03125");
        assertThat(f(0.000123)).isEqualTo("0.000123");
        assertThat(f(0.0000123)).isEqualTo("1.23e-5");
        assertThat(f(1.0 / 3)).isEqualTo("0.3333");
        assertThat(f(2)).isEqualTo("2.0");
        assertThat(f(123456.7)).isEqualTo("123500.0");
        assertThat(f(3.2e9)).isEqualTo("3.2e9");
        assertThat(f(-0.5)).isEqualTo("-0.5");
        assertThat(f(0)).isEqualTo("0.0");
    }

    @Test
    void keepsExponentNotationWhenTheFileUsedIt() {
        assertThat(Numbers.formatFloat(0.0125, 0, 1, "1e-3")).isEqualTo("1.25e-2");
        assertThat(Numbers.formatFloat(0.0001, 0, 1, "3E-4")).isEqualTo("1E-4");
        assertThat(Numbers.formatFloat(2.5, 0, 10, "1e-3")).isEqualTo("2.5");
    }

    @Test
    void roundingNeverLeavesTheRange() {
        assertThat(Numbers.formatFloat(0.99996, 0.1, 0.99996, "0.5")).isEqualTo("0.9999");
        assertThat(Numbers.formatFloat(0.123451, 0.123451, 0.2, "0.5")).isEqualTo("0.1235");
        assertThat(Numbers.formatFloat(0.1234501, 0.1234501, 0.2, "0.5")).isEqualTo("0.1235");
    }

    @Test
    void neverWritesNaN() {
        assertThat(Numbers.formatFloat(Double.NaN, 0.5, 1, "0.7")).isEqualTo("0.5");
    }

    @Test
    void everyFormattedValueIsAFloatLiteralThatReadsBackClose() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            double v = Math.exp(rnd.nextDouble(-30, 30)) * (rnd.nextBoolean() ? 1 : -1);
            String text = Numbers.formatFloat(v, -1e300, 1e300, rnd.nextBoolean() ? "1e-3" : "0.001");
            assertThat(text).matches(LITERAL);
            assertThat(Numbers.parse(text).getAsDouble()).isCloseTo(v, org.assertj.core.data.Percentage.withPercentage(0.05));
        }
    }

    @Test
    void parsesLiteralsAsSourceFilesWriteThem() {
        assertThat(Numbers.parse(" 0.01 ")).hasValue(0.01);
        assertThat(Numbers.parse("1e-3")).hasValue(0.001);
        assertThat(Numbers.parse("1_000")).hasValue(1000);
        assertThat(Numbers.parse("0.5f")).hasValue(0.5);
        assertThat(Numbers.parse("64L")).hasValue(64);
        assertThat(Numbers.parse(".5")).hasValue(0.5);
        assertThat(Numbers.parse("NaN")).isEmpty();
        assertThat(Numbers.parse("Infinity")).isEmpty();
        assertThat(Numbers.parse("0x10")).isEmpty();
        assertThat(Numbers.parse("adam")).isEmpty();
        assertThat(Numbers.parse("")).isEmpty();
    }
}
