package dev.helix.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void namedAndCredentialLookingVariablesAreRedacted() {
        Secrets s = Secrets.of(Map.of("MY_LLM", "abc-123-secret-value", "OPENAI_API_KEY", "sk-test-0123456789",
                "HOME", "/home/someone-long-path", "SHORT_TOKEN", "abc"), List.of("MY_LLM"));
        assertThat(s.apply("key sk-test-0123456789 and abc-123-secret-value in /home/someone-long-path with abc"))
                .isEqualTo("key [REDACTED:OPENAI_API_KEY] and [REDACTED:MY_LLM] in /home/someone-long-path with abc");
    }

    @Test
    void aLongerSecretContainingAShorterOneIsReplacedWhole() {
        Secrets s = Secrets.of(Map.of("A_TOKEN", "12345678", "B_TOKEN", "12345678-and-more"), List.of());
        assertThat(s.apply("12345678-and-more")).isEqualTo("[REDACTED:B_TOKEN]");
    }
}
