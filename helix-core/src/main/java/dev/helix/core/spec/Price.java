package dev.helix.core.spec;

import java.util.Optional;

/**
 * What a model charges, in US dollars per million tokens ({@code agent.price}, or a row of the
 * built-in price table): input, output, and input read from the provider's prompt cache (when
 * absent, cached input costs as much as any input). Input written to the prompt cache costs
 * {@link #CACHE_WRITE} times the input rate, as Anthropic bills its 5-minute cache.
 */
public record Price(double inputPerMtok, double outputPerMtok, Optional<Double> cachedInputPerMtok) {
    public Price {
        cachedInputPerMtok = cachedInputPerMtok == null ? Optional.empty() : cachedInputPerMtok;
    }

    public Price(double inputPerMtok, double outputPerMtok, double cachedInputPerMtok) {
        this(inputPerMtok, outputPerMtok, Optional.of(cachedInputPerMtok));
    }

    /** What a token written to the prompt cache costs, in input tokens (Anthropic: 1.25 for its 5-minute cache). */
    public static final double CACHE_WRITE = 1.25;

    /** The cost of one proposal's tokens; {@code cached} is the part of {@code in} read from the cache. */
    public double cost(long in, long out, long cached) {
        return cost(in, out, cached, 0);
    }

    /** The cost of one proposal's tokens; of {@code in}, {@code cached} were read from the cache and {@code written} written to it. */
    public double cost(long in, long out, long cached, long written) {
        long c = Math.max(0, Math.min(cached, in));
        long w = Math.max(0, Math.min(written, in - c));
        return ((in - c - w) * inputPerMtok + c * cachedInputPerMtok.orElse(inputPerMtok) + w * inputPerMtok * CACHE_WRITE
                + out * outputPerMtok) / 1_000_000.0;
    }
}
