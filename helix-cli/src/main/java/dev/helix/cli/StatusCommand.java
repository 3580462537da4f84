package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Dashboard;
import dev.helix.core.session.Records;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix status}: where a session stands. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a session: running or not, counts, baseline and best, spend, the last experiment.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        var summary = Records.summary(s.records());
        Experiment last = s.records().get(s.records().size() - 1);
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        out.text("Session " + s.tag() + " (branch helix/" + s.tag() + "): "
                + s.runningPid().map(pid -> "running, pid " + pid).orElse("not running"));
        java.time.Instant now = java.time.Instant.now();
        java.util.List<Dashboard.WorkerLine> workers = s.runningPid().isPresent() ? workers(s.tag()) : java.util.List.of();
        if (!workers.isEmpty()) {
            out.text("Workers: " + Dashboard.busy(workers) + " of " + workers.size() + " busy");
            workers.forEach(w -> out.text("  " + Dashboard.worker(w, now)));
        }
        out.text(ConsoleRenderer.summary(summary));
        Records.noise(s.records()).ifPresent(n -> out.text(n.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + n.substring(1)));
        out.text(String.format(java.util.Locale.ROOT, "Evaluations per experiment: %.2f", Records.evaluationsPerExperiment(s.records())));
        double cost = Records.cost(s.records());
        if (cost > 0) out.text("Spent: " + Judge.fmt(cost) + " USD (as the agent reported it)");
        out.text("Last: " + ConsoleRenderer.row(last));
        java.util.List<String> hints = new java.util.ArrayList<>(dev.helix.core.session.Hints.of(s.records()));
        hints.forEach(h -> out.text("hint: " + h));
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("tag", s.tag());
        data.put("branch", "helix/" + s.tag());
        data.put("running", s.runningPid().isPresent());
        s.runningPid().ifPresent(pid -> data.put("pid", pid));
        if (s.runningPid().isPresent()) {
            ArrayNode list = data.putArray("workers");
            for (Dashboard.WorkerLine w : workers) {
                ObjectNode o = list.addObject();
                o.put("worker", w.worker());
                o.put("run", w.run());
                o.put("phase", w.phase());
                o.put("where", w.where());
                o.put("direction", w.direction());
                o.put("since", w.since().toString());
                o.put("seconds", w.seconds(now));
                w.budgetSeconds().ifPresent(b -> o.put("budget_seconds", b));
            }
        }
        data.put("experiments", summary.experiments());
        data.put("kept", summary.kept());
        data.put("discarded", summary.discarded());
        data.put("crashed", summary.crashed());
        data.put("rejected", summary.rejected());
        data.put("stale", summary.stale());
        Records.baseline(s.records()).flatMap(Experiment::primary).ifPresent(v -> data.put("baseline", v));
        Records.best(s.records()).ifPresent(b -> {
            b.primary().ifPresent(v -> data.put("best", v));
            data.put("best_run", b.run());
        });
        data.put("cost_usd", cost);
        Records.noise(s.records()).ifPresent(n -> data.put("noise", n));
        data.put("evaluations_per_experiment", Records.evaluationsPerExperiment(s.records()));
        data.set("last", SessionRecords.json(last));
        data.putPOJO("warnings", s.warnings());
        hints.addAll(s.runningPid().isPresent() ? java.util.List.of("watch it: helix watch")
                : java.util.List.of("continue it: helix run --resume --tag " + s.tag(), "see the best: helix best"));
        out.success(data, hints);
        return ExitCodes.OK;
    }

    /**
     * What the workers of the running session do: as its board says, else (no board yet, or a
     * board this process cannot trust) the one experiment in progress as helix watch infers it.
     */
    private java.util.List<Dashboard.WorkerLine> workers(String tag) {
        Dashboard.View view = SessionWatch.of(main.workingDirectory(), Optional.of(tag)).read();
        if (!view.workers().isEmpty()) return view.workers();
        return view.current().map(c -> java.util.List.of(new Dashboard.WorkerLine(1, c.run(), c.phase().name()
                .toLowerCase(java.util.Locale.ROOT), "", "", c.since(), c.budgetSeconds()))).orElse(java.util.List.of());
    }

    static String metric(Optional<Double> v) {
        return v.map(Judge::fmt).orElse("-");
    }
}
