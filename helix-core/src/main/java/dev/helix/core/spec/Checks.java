package dev.helix.core.spec;

/**
 * The correctness gate (evaluate.checks): a command, typically the test suite, that must pass
 * (exit 0 within its own timeout) before a candidate the judge would keep is kept.
 *
 * @param timeoutSeconds its own wall-clock limit (evaluate.checks_timeout_seconds)
 */
public record Checks(String command, int timeoutSeconds) {}
