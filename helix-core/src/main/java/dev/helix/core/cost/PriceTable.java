package dev.helix.core.cost;

import dev.helix.core.spec.Price;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in prices of common hosted models, as their providers (Anthropic, OpenAI, Google)
 * published them on {@link #DATE}, in US dollars per million tokens. Prices change: helix.yaml's
 * {@code agent.price} overrides this table, and a model missing from it has no known price.
 */
public final class PriceTable {
    /** The day these prices were read from the providers' pricing pages. */
    public static final String DATE = "2025-11-30";

    /** By model-name prefix; the longest matching prefix wins (gpt-4o-mini before gpt-4o). */
    private static final Map<String, Price> PRICES = Map.ofEntries(
            Map.entry("claude-opus-4", new Price(15, 75, 1.5)),
            Map.entry("claude-opus-4-5", new Price(5, 25, 0.5)),
            Map.entry("claude-haiku-4-5", new Price(1, 5, 0.1)),
            Map.entry("claude-sonnet-4", new Price(3, 15, 0.3)),
            Map.entry("claude-3-7-sonnet", new Price(3, 15, 0.3)),
            Map.entry("claude-3-5-sonnet", new Price(3, 15, 0.3)),
            Map.entry("claude-3-5-haiku", new Price(0.8, 4, 0.08)),
            Map.entry("claude-3-haiku", new Price(0.25, 1.25, 0.03)),
            Map.entry("gpt-5", new Price(1.25, 10, 0.125)),
            Map.entry("gpt-5.1", new Price(1.25, 10, 0.125)),
            Map.entry("gpt-5-mini", new Price(0.25, 2, 0.025)),
            Map.entry("gpt-5-nano", new Price(0.05, 0.4, 0.005)),
            Map.entry("gpt-4.1", new Price(2, 8, 0.5)),
            Map.entry("gpt-4.1-mini", new Price(0.4, 1.6, 0.1)),
            Map.entry("gpt-4.1-nano", new Price(0.1, 0.4, 0.025)),
            Map.entry("gpt-4o", new Price(2.5, 10, 1.25)),
            Map.entry("gpt-4o-mini", new Price(0.15, 0.6, 0.075)),
            Map.entry("o3", new Price(2, 8, 0.5)),
            Map.entry("o3-mini", new Price(1.1, 4.4, 0.55)),
            Map.entry("o4-mini", new Price(1.1, 4.4, 0.275)),
            Map.entry("codex-mini", new Price(1.5, 6, 0.375)),
            Map.entry("gemini-3-pro", new Price(2, 12, 0.2)),
            Map.entry("gemini-2.5-pro", new Price(1.25, 10, 0.31)),
            Map.entry("gemini-2.5-flash", new Price(0.3, 2.5, 0.075)),
            Map.entry("gemini-2.5-flash-lite", new Price(0.1, 0.4, 0.025)),
            Map.entry("gemini-2.0-flash", new Price(0.1, 0.4, 0.025)));

    private PriceTable() {}

    /**
     * The price of {@code model} (a provider prefix such as "openai/" or "models/" is ignored, a dated
     * suffix such as "-20250514" matches its family), or empty when the table does not know it.
     */
    public static Optional<Price> find(String model) {
        String name = model.strip().toLowerCase(Locale.ROOT);
        name = name.substring(name.lastIndexOf('/') + 1);
        String best = null;
        for (String prefix : PRICES.keySet()) {
            boolean matches = name.equals(prefix) || name.startsWith(prefix + "-") || name.startsWith(prefix + "@");
            if (matches && (best == null || prefix.length() > best.length())) best = prefix;
        }
        return Optional.ofNullable(best).map(PRICES::get);
    }
}
