package dev.helix.core.cost;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.spec.Price;
import dev.helix.core.spec.Spec;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a session knows what its proposals cost: the backend reports dollars itself, or Helix
 * prices the reported tokens (helix.yaml's agent.price, else the built-in {@link PriceTable}), or
 * the model runs on this machine or the local network and costs nothing, or the cost cannot be
 * known (then a --max-cost cap could never hold).
 */
public sealed interface Pricing {

    /** The backends that report tokens but never a dollar cost: their cost is computed, or unknown. */
    List<String> TOKENS_ONLY = List.of("anthropic", "openai", "codex", "gemini", "opencode");

    /** The backend reports each proposal's cost in dollars (claude, command, OpenRouter, a plugin's own). */
    record Reported() implements Pricing {}

    /** Tokens times {@code price}; {@code source} says where the price comes from. */
    record Priced(Price price, String source) implements Pricing {}

    /** A model served on this machine or the local network (ollama, vLLM, llama.cpp): free unless priced. */
    record Local(String baseUrl) implements Pricing {}

    /** Tokens without a price: {@code why}, in words. */
    record Unknown(String why) implements Pricing {}

    /** How proposals of {@code backend} (the name that runs, which may differ from agent.backend) are costed. */
    static Pricing of(String backend, Spec.AgentSpec agent) {
        if (agent.price().isPresent()) return new Priced(agent.price().get(), "agent.price");
        if (!TOKENS_ONLY.contains(backend)) return new Reported();
        Optional<String> base = agent.baseUrl().map(String::strip).filter(u -> !u.isEmpty());
        if (base.isPresent() && local(base.get())) return new Local(base.get());
        if (backend.equals("openai") && base.map(u -> u.contains("openrouter.ai")).orElse(false)) return new Reported();
        Optional<String> model = agent.model().map(String::strip).filter(m -> !m.isEmpty());
        if (model.isEmpty()) {
            return new Unknown("agent.model is not set, so the " + backend + " backend's model and its price are unknown");
        }
        return PriceTable.find(model.get()).<Pricing>map(p -> new Priced(p, "the built-in price table of " + PriceTable.DATE))
                .orElseGet(() -> new Unknown("the model '" + model.get() + "' is not in the built-in price table of " + PriceTable.DATE));
    }

    /** Whether {@code url}'s host is this machine or a private network address, judged from the URL alone. */
    static boolean local(String url) {
        String host;
        try {
            host = URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) return false;
        host = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".local") || host.equals("::1")) return true;
        if (host.startsWith("fc") || host.startsWith("fd")) return host.contains(":"); // IPv6 unique local
        String[] q = host.split("\\.");
        if (q.length != 4 || !host.matches("[0-9.]+")) return false;
        int a = Integer.parseInt(q[0]);
        int b = Integer.parseInt(q[1]);
        return a == 127 || a == 10 || (a == 192 && b == 168) || (a == 172 && b >= 16 && b <= 31) || (a == 169 && b == 254);
    }

    /**
     * {@code usage} with its cost: as the backend reported it when it did; else its tokens priced;
     * 0 for a local model; unchanged when the cost cannot be known or no tokens were reported.
     */
    default AgentUsage cost(AgentUsage usage) {
        if (usage.costUsd().isPresent()) return usage;
        Optional<Double> cost = switch (this) {
            case Priced p when usage.tokensIn().isPresent() || usage.tokensOut().isPresent() -> Optional.of(p.price().cost(
                    usage.tokensIn().orElse(0L), usage.tokensOut().orElse(0L), usage.tokensCached().orElse(0L),
                    usage.tokensCacheWritten().orElse(0L)));
            case Local l -> Optional.of(0.0);
            default -> Optional.empty();
        };
        return cost.isEmpty() ? usage : new AgentUsage(usage.backend(), usage.model(), usage.tokensIn(), usage.tokensOut(), cost,
                usage.turns(), usage.seconds(), usage.tokensCached(), usage.tokensCacheWritten());
    }

    /** In words, for the session's start and doctor: where a proposal's cost comes from. */
    default String describe() {
        return switch (this) {
            case Reported r -> "cost as the backend reports it";
            case Priced p -> "cost from tokens at " + fmt(p.price().inputPerMtok()) + " USD in / " + fmt(p.price().outputPerMtok())
                    + " USD out per million tokens (" + p.source() + ") where the backend reports no cost of its own";
            case Local l -> "cost 0: the model runs at " + l.baseUrl() + " (set agent.price to count it)";
            case Unknown u -> "cost unknown: " + u.why();
        };
    }

    /** In a few words, for listings (doctor, agent-info): where the cost comes from, and whether a cap can hold. */
    default String basis() {
        return switch (this) {
            case Reported r -> "reported by the backend";
            case Priced p -> p.source().equals("agent.price") ? "priced from agent.price"
                    : "priced from the built-in price table dated " + PriceTable.DATE;
            case Local l -> "local, free (0 unless agent.price is set)";
            case Unknown u -> "unknown: a --max-cost cap cannot hold";
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
