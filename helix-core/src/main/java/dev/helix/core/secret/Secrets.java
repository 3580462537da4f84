package dev.helix.core.secret;

import dev.helix.core.spec.Spec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The secret values of an environment (API keys, tokens) and their removal from any text Helix
 * stores or shows: the ledger, logs, prompts, error messages.
 */
public final class Secrets implements UnaryOperator<String> {
    /** Values shorter than this are too likely to occur by chance to be worth replacing. */
    private static final int MIN_LENGTH = 8;

    private final Map<String, String> valueToName;

    private Secrets(Map<String, String> valueToName) {
        this.valueToName = valueToName;
    }

    public static final Secrets NONE = new Secrets(Map.of());

    /** The providers' key variables, secret whatever the spec says (some do not end in _KEY). */
    public static final List<String> KNOWN = List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY",
            "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENROUTER_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY",
            "DEEPSEEK_API_KEY", "XAI_API_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "GH_TOKEN",
            "HF_TOKEN", "WANDB_API_KEY");

    /**
     * The secrets of a session: the values of the agent's {@code api_key_env}, of the known provider
     * keys, of the variables {@code run.secrets} names, and of every variable that looks like a credential.
     */
    public static Secrets forSpec(Map<String, String> env, Spec spec) {
        List<String> names = new ArrayList<>(KNOWN);
        spec.agent().apiKeyEnv().ifPresent(names::add);
        names.addAll(spec.run().secrets());
        return of(env, names);
    }

    /**
     * The variables an evaluation does not see: the known providers' keys, the agent's
     * {@code api_key_env} and {@code run.secrets}, less those {@code evaluate.env_passthrough} names.
     * The evaluation runs code a proposer wrote; it must not be able to print the proposer's key.
     */
    public static java.util.Set<String> hiddenFromEvaluation(Spec spec) {
        java.util.Set<String> names = new java.util.TreeSet<>(KNOWN);
        spec.agent().apiKeyEnv().map(String::strip).filter(n -> !n.isEmpty()).ifPresent(names::add);
        names.addAll(spec.run().secrets());
        spec.evaluate().envPassthrough().forEach(names::remove);
        return names;
    }

    /**
     * The values of {@code names} and of every variable that looks like a credential
     * (*_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD, *_KEY).
     */
    public static Secrets of(Map<String, String> env, Collection<String> names) {
        Map<String, String> found = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (value == null || value.strip().length() < MIN_LENGTH) return;
            if (names.contains(name) || looksSecret(name)) found.putIfAbsent(value.strip(), name);
        });
        // Longest first, so that a key containing another is replaced whole.
        Map<String, String> ordered = new LinkedHashMap<>();
        found.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed())
                .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return new Secrets(ordered);
    }

    static boolean looksSecret(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.endsWith("_API_KEY") || n.endsWith("_TOKEN") || n.endsWith("_SECRET") || n.endsWith("_PASSWORD")
                || n.endsWith("_KEY") || n.equals("API_KEY");
    }

    /** {@code text} with every secret value replaced by [REDACTED:NAME]. */
    @Override
    public String apply(String text) {
        if (text == null || valueToName.isEmpty()) return text;
        String result = text;
        for (var e : valueToName.entrySet()) {
            if (result.contains(e.getKey())) result = result.replace(e.getKey(), "[REDACTED:" + e.getValue() + "]");
        }
        return result;
    }

    /** A filter that redacts a byte stream as it passes, catching a secret split across two writes. */
    public SecretStream stream() {
        List<SecretStream.Pattern> patterns = new ArrayList<>();
        valueToName.forEach((value, name) -> patterns.add(new SecretStream.Pattern(value.getBytes(StandardCharsets.UTF_8),
                ("[REDACTED:" + name + "]").getBytes(StandardCharsets.UTF_8))));
        return new SecretStream(patterns);
    }

    public boolean isEmpty() {
        return valueToName.isEmpty();
    }

    /** Equal when they replace the same values by the same names, in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secrets other && List.copyOf(valueToName.entrySet()).equals(List.copyOf(other.valueToName.entrySet()));
    }

    @Override
    public int hashCode() {
        return valueToName.hashCode();
    }
}
