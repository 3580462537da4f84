package dev.helix.app.holdout;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.HoldoutReading;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Events;
import dev.helix.core.port.LedgerStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A ledger that measures the hold-out of the baseline and of every keep just before it records
 * them, and writes the value into the record. The session's own records, from which prompts and
 * briefings are made, never hold it: only the ledger on disk does, and what this ledger reads back
 * (for a resumed session) has it removed.
 *
 * <p>The session asks for the hold-out ({@link #prepare}) before it takes its lock to append, so
 * a stop request cuts it short and the other workers go on recording meanwhile; the append then
 * only writes the reading measured. A record appended unprepared is measured at its append.
 */
public final class HoldoutLedger implements LedgerStore {
    private final LedgerStore ledger;
    private final HoldoutRun holdout;
    /** Readings measured and not yet shown, by record; the user's view takes them (see {@link #showing}). */
    private final Map<String, HoldoutReading> unshown = new ConcurrentHashMap<>();
    /** Readings measured before their record's append, by status and commit. */
    private final Map<String, HoldoutReading> prepared = new ConcurrentHashMap<>();

    public HoldoutLedger(LedgerStore ledger, HoldoutRun holdout) {
        this.ledger = ledger;
        this.holdout = holdout;
    }

    /** {@code ledger} with the hold-out of {@code run}, if there is one. */
    public static LedgerStore around(LedgerStore ledger, Optional<HoldoutRun> run) {
        return run.<LedgerStore>map(r -> new HoldoutLedger(ledger, r)).orElse(ledger);
    }

    @Override
    public void prepare(Status status, String commit) {
        if (!measured(status, commit)) return;
        prepared.put(status + " " + commit, holdout.measure(commit, times(status)));
    }

    @Override
    public void append(Experiment e) {
        if (!measured(e.status(), e.commit()) || e.holdout().isPresent()) {
            ledger.append(e);
            return;
        }
        HoldoutReading early = prepared.remove(e.status() + " " + e.commit());
        HoldoutReading reading = early != null ? early : holdout.measure(e.commit(), times(e.status()));
        ledger.append(e.withHoldout(Optional.of(reading)));
        unshown.put(key(e), reading);
    }

    /**
     * {@code user}'s events with each record's hold-out reading put back in as it is finished: for
     * the views of the person who runs the session (the console), never for the session itself,
     * whose records, prompts and briefings stay without it. The session appends a record before it
     * emits that record's event, so the reading is there when the event comes.
     */
    public Events showing(Events user) {
        return event -> {
            if (event instanceof Event.ExperimentFinished f) {
                HoldoutReading reading = unshown.remove(key(f.experiment()));
                if (reading != null) {
                    user.emit(new Event.ExperimentFinished(f.experiment().withHoldout(Optional.of(reading)), f.best(), f.baseline()));
                    return;
                }
            }
            user.emit(event);
        };
    }

    private static boolean measured(Status status, String commit) {
        return (status == Status.BASELINE || status == Status.KEEP) && !commit.isEmpty();
    }

    private int times(Status status) {
        return status == Status.BASELINE ? holdout.baselineRepeats() : 1;
    }

    private static String key(Experiment e) {
        return e.tag() + "#" + e.run() + "." + e.attempt();
    }

    @Override
    public Contents read() {
        return withoutHoldout(ledger.read());
    }

    @Override
    public Contents readTag(String tag) {
        return withoutHoldout(ledger.readTag(tag));
    }

    @Override
    public List<String> readTag(String tag, java.util.function.Consumer<Experiment> each) {
        return ledger.readTag(tag, e -> each.accept(e.withHoldout(Optional.empty())));
    }

    @Override
    public Contents tail(String tag, int n) {
        return withoutHoldout(ledger.tail(tag, n));
    }

    private static Contents withoutHoldout(Contents c) {
        return new Contents(c.experiments().stream().map(e -> e.withHoldout(Optional.empty())).toList(), c.warnings());
    }

    @Override
    public Optional<String> latestTag() {
        return ledger.latestTag();
    }

    @Override
    public List<String> tags() {
        return ledger.tags();
    }

    @Override
    public void publish(List<Experiment> records, Path directory, String primary, Optional<String> guard) {
        ledger.publish(records, directory, primary, guard);
    }
}
