package dev.helix.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretStreamTest {
    private static final Secrets SECRETS = Secrets.of(Map.of("OPENAI_API_KEY", "sk-test-0123456789",
            "B_TOKEN", "tok-abcdefghij-longer-one"), List.of());

    private static String through(SecretStream stream, String text, int chunk) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < b.length; i += chunk) out.writeBytes(stream.feed(b, i, Math.min(chunk, b.length - i)));
        out.writeBytes(stream.flush());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSecretSplitAcrossWritesIsCaughtWhateverTheCut() {
        String text = "loss: 0.5\nkey=sk-test-0123456789 and tok-abcdefghij-longer-one\nsk-test-0123456789";
        String expected = "loss: 0.5\nkey=[REDACTED:OPENAI_API_KEY] and [REDACTED:B_TOKEN]\n[REDACTED:OPENAI_API_KEY]";
        assertThat(SECRETS.apply(text)).isEqualTo(expected);
        for (int chunk = 1; chunk <= text.length(); chunk++) {
            assertThat(through(SECRETS.stream(), text, chunk)).as("chunks of " + chunk).isEqualTo(expected);
        }
    }

    @Test
    void whatCannotBeginASecretIsNotHeldBackAndNothingIsLost() {
        SecretStream stream = SECRETS.stream();
        byte[] b = "0123456789012345678901234567890123456789".getBytes(StandardCharsets.UTF_8);
        byte[] now = stream.feed(b, 0, b.length);
        assertThat(now.length).isEqualTo(b.length - ("tok-abcdefghij-longer-one".length() - 1));
        assertThat(new String(now, StandardCharsets.UTF_8) + new String(stream.flush(), StandardCharsets.UTF_8))
                .isEqualTo(new String(b, StandardCharsets.UTF_8));
        assertThat(through(Secrets.NONE.stream(), "plain", 2)).isEqualTo("plain");
    }

    @Test
    void theSpecNamesMoreSecretsThanTheAgentsKey() {
        var spec = dev.helix.core.spec.SpecReader.read(Map.of("name", "demo", "domain", "AI/ML", "description", "Lower it.",
                "evaluate", Map.of("command", "python train.py"),
                "metrics", Map.of("primary", Map.of("name", "val_loss")),
                "scope", Map.of("editable", List.of("train.py")),
                "run", Map.of("secrets", List.of("WANDB_SESSION"))), "helix.yaml", p -> 0);
        assertThat(spec.run().secrets()).containsExactly("WANDB_SESSION");
        Secrets s = Secrets.forSpec(Map.of("WANDB_SESSION", "wandb-value-123", "GH_TOKEN", "ghp-123456789",
                "PLAIN", "plain-value-123"), spec);
        assertThat(s.apply("wandb-value-123 ghp-123456789 plain-value-123"))
                .isEqualTo("[REDACTED:WANDB_SESSION] [REDACTED:GH_TOKEN] plain-value-123");
    }

    @Test
    void aPieceOfASecretAtACutIsRedactedButAShortOneIsNot() {
        SecretStream head = SECRETS.stream();
        byte[] b = "head sk-test-01234".getBytes(StandardCharsets.UTF_8);
        String kept = new String(head.feed(b, 0, b.length), StandardCharsets.UTF_8) + new String(head.flushAtCut(), StandardCharsets.UTF_8);
        assertThat(kept).isEqualTo("head [REDACTED:OPENAI_API_KEY]");
        assertThat(through(SECRETS.stream().afterCut(), "cdefghij-longer-one tail", 4)).isEqualTo("[REDACTED:B_TOKEN] tail");
        assertThat(through(SECRETS.stream().afterCut(), "-one tail", 4)).isEqualTo("-one tail");
    }
}
