package dev.helix.core.spec;

import java.util.Optional;

/**
 * What a model charges, in US dollars per million tokens ({@code agent.price}, or a row of the
 * built-in price table): input, output, and input read from the provider's prompt cache (when
 * absent, cached input costs as much as any input).
 */
public record Price(double inputPerMtok, double outputPerMtok, Optional<Double> cachedInputPerMtok) {
    public Price {
        cachedInputPerMtok = cachedInputPerMtok == null ? Optional.empty() : cachedInputPerMtok;
    }

    public Price(double inputPerMtok, double outputPerMtok, double cachedInputPerMtok) {
        this(inputPerMtok, outputPerMtok, Optional.of(cachedInputPerMtok));
    }

    /** The cost of one proposal's tokens; {@code cached} is the part of {@code in} read from the cache. */
    public double cost(long in, long out, long cached) {
        long c = Math.max(0, Math.min(cached, in));
        return ((in - c) * inputPerMtok + c * cachedInputPerMtok.orElse(inputPerMtok) + out * outputPerMtok) / 1_000_000.0;
    }
}
