package dev.helix.app.doctor;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.PowerPlan;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Optional;

/**
 * The doctor's power planning: from the latest baseline measured more than once, what the noise
 * lets the statistical judge keep with 80% power, and a warning when judge.min_improvement asks for less.
 */
final class PowerCheck {
    private PowerCheck() {}

    /** The check, or empty before any baseline was measured twice (nothing to plan from yet: the session plans at its start). */
    static Optional<Check> check(List<Experiment> records, Spec spec) {
        String id = "power";
        String title = "Power of the judge against the noise";
        Optional<Experiment> baseline = records.reversed().stream()
                .filter(e -> e.status() == Status.BASELINE && e.noise().isPresent() && e.noise().get().n() >= 2).findFirst();
        if (baseline.isEmpty()) return Optional.empty();
        Experiment b = baseline.get();
        String from = " (from the baseline of " + b.tag() + ", " + b.noise().get().n() + " runs)";
        if (!b.noise().get().statistical()) {
            return Optional.of(Check.pass(id, title, "no noise: every repeat of the baseline gave the same value, so the strict judge keeps "
                    + "every improvement beyond judge.min_improvement" + from));
        }
        Optional<PowerPlan> plan = PowerPlan.of(b, spec.judge());
        if (plan.isEmpty()) return Optional.of(Check.skip(id, title, "not planned: the baseline has no primary value" + from));
        PowerPlan p = plan.get();
        return Optional.of(p.warning().map(w -> Check.warn(id, title, p.render() + from + "; " + w, p.advice()))
                .orElseGet(() -> Check.pass(id, title, p.render() + from)));
    }
}
