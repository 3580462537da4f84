package dev.helix.app.doctor;

/**
 * One pre-flight check's result: what was looked at, how it went, and what to do about it.
 *
 * @param id a stable name for programs, e.g. "clean_tree"
 * @param title what was checked, for people
 * @param message what was found
 * @param fix what to do; empty when there is nothing to do
 */
public record Check(String id, String title, Status status, String message, String fix) {

    public enum Status { PASS, WARN, FAIL, SKIP }

    static Check pass(String id, String title, String message) {
        return new Check(id, title, Status.PASS, message, "");
    }

    static Check warn(String id, String title, String message, String fix) {
        return new Check(id, title, Status.WARN, message, fix);
    }

    static Check fail(String id, String title, String message, String fix) {
        return new Check(id, title, Status.FAIL, message, fix);
    }

    static Check skip(String id, String title, String why) {
        return new Check(id, title, Status.SKIP, why, "");
    }
}
