package dev.helix.cli;

import dev.helix.app.doctor.Check;
import java.util.List;
import java.util.Locale;

/** The doctor's verdict: whether nothing failed, and every check as it came out. */
record DoctorView(boolean ok, List<Item> checks) {

    /** One check: what was checked, how it came out, what was found and the fix. */
    record Item(String id, String title, String status, String message, String fix) {}

    static DoctorView of(List<Check> checks) {
        return new DoctorView(checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL), checks.stream()
                .map(c -> new Item(c.id(), c.title(), c.status().name().toLowerCase(Locale.ROOT), c.message(), c.fix())).toList());
    }
}
