package dev.helix.app.doctor;

import dev.helix.app.Workspace;
import dev.helix.core.cost.Pricing;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a session's proposal costs come from (reported, priced, local, unknown), said by doctor
 * and agent-info before a run, so a --max-cost that cannot hold is known ahead of time.
 */
public final class CostCheck {
    private static final String TUNER = "tune";

    private CostCheck() {}

    /** Doctor's check: a pass that says the source, or a warning where a --max-cost cap could never be reached. */
    static Check of(Spec spec) {
        String title = "Where the cost comes from";
        String backend = spec.agent().backend();
        if (backend.equals(TUNER)) return Check.pass("cost", title, TUNER + ": " + ofBackend(TUNER));
        Pricing pricing = Pricing.of(backend, spec.agent());
        if (pricing instanceof Pricing.Unknown) {
            return Check.warn("cost", title, backend + ": " + words(pricing) + "; helix run refuses --max-cost",
                    "set the model's price in helix.yaml (agent: {price: {input_per_mtok: 3, output_per_mtok: 15}}, US dollars per "
                            + "million tokens), or cap the tokens instead: --max-tokens N");
        }
        return Check.pass("cost", title, backend + ": " + words(pricing));
    }

    /** The source in a few words, with the rates, the local server or the reason it is unknown. */
    public static String words(Pricing pricing) {
        return pricing.basis() + switch (pricing) {
            case Pricing.Priced p -> " (" + rate(p.price().inputPerMtok()) + " USD in / " + rate(p.price().outputPerMtok())
                    + " USD out per million tokens" + p.price().cachedInputPerMtok().map(c -> ", " + rate(c) + " cached in").orElse("") + ")";
            case Pricing.Local l -> " (" + l.baseUrl() + ")";
            case Pricing.Unknown u -> " (" + u.why() + ")";
            case Pricing.Reported r -> "";
        };
    }

    /** For agent-info: how proposals of the backend {@code name} are costed, whatever the project. */
    public static String ofBackend(String name) {
        if (name.equals(TUNER)) return "free: the built-in tuner calls no model";
        return Pricing.TOKENS_ONLY.contains(name)
                ? "tokens priced from agent.price, else the built-in price table dated " + dev.helix.core.cost.PriceTable.DATE
                        + " (local servers free; unknown otherwise: a --max-cost cap cannot hold)"
                : "reported by the backend";
    }

    /** For agent-info: the backend helix.yaml in {@code dir}'s repository names, and where its cost comes from; empty without a valid spec. */
    public static Optional<String> ofProject(Path dir) {
        try {
            return Workspace.find(dir).flatMap(Workspace::findSpec).map(file -> {
                Spec spec = dev.helix.adapters.specio.SpecFiles.load(file);
                String backend = spec.agent().backend();
                return backend + ": " + (backend.equals(TUNER) ? ofBackend(TUNER) : words(Pricing.of(backend, spec.agent())));
            });
        } catch (RuntimeException e) {
            return Optional.empty(); // no valid spec: doctor says what is wrong with it
        }
    }

    private static String rate(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
