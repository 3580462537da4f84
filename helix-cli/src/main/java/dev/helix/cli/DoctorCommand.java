package dev.helix.cli;

import dev.helix.app.doctor.Check;
import dev.helix.app.doctor.Doctor;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix doctor}: pre-flight checks, each pass, warn or fail with a fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = {
    "Check everything a session needs: repository, spec, files, the evaluation (run once), metrics, branches, locks, disk, backend.",
    "%nThe evaluation runs once in a throwaway worktree under .helix/doctor/; your working copy is untouched. "
        + "Exit 0 when nothing fails (warnings allowed), 2 when a check fails."})
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--quick", description = "Don't run the evaluation (and so don't check that its metrics parse).")
    boolean quick;

    @Override
    public Integer call() {
        Output out = main.output();
        java.nio.file.Path dir = main.workingDirectory();
        // The evaluation can take minutes: say so where a person sees it, piped or not.
        out.progress().println("Checking " + dir + (quick ? "..." : " (the evaluation runs once; --quick skips it)..."));
        out.progress().flush();
        List<Check> checks = Doctor.run(dir, new Doctor.Options(quick, System.getenv(), LocalDate.now()), new Doctor.Progress() {
            @Override
            public void starting(String title) {
                note("checking " + title + "...");
            }

            @Override
            public void finished(Check check) {
                note("  " + check.title() + ": " + check.status().name().toLowerCase(java.util.Locale.ROOT));
            }

            private void note(String line) {
                out.progress().println(line);
                out.progress().flush();
            }
        });
        checks.forEach(c -> out.text(line(c)));
        long failed = checks.stream().filter(c -> c.status() == Check.Status.FAIL).count();
        long warned = checks.stream().filter(c -> c.status() == Check.Status.WARN).count();
        // A backend "not needed" means an agent drives itself here: its next step is a try, not a run.
        boolean trying = checks.stream().anyMatch(c -> c.id().equals("backend") && c.status() == Check.Status.SKIP);
        String start = trying ? "helix try -m \"<what you changed>\" after your edit" : "helix run (or helix try)";
        out.text("");
        out.text(failed > 0 ? failed + " failed, " + warned + " warning" + (warned == 1 ? "" : "s") + ": fix the failures, then run 'helix doctor' again"
                : warned > 0 ? "Ready, with " + warned + " warning" + (warned == 1 ? "" : "s") + ": " + start
                : "Ready: " + start);
        out.success(DoctorView.of(checks), failed > 0 ? List.of("fix the failed checks, then: helix doctor")
                : List.of(trying ? "start: " + start : "start: helix run"));
        return failed > 0 ? ExitCodes.USAGE : ExitCodes.OK;
    }

    /** One line a person reads: mark, what was checked, what was found, and the fix. */
    static String line(Check c) {
        String mark = switch (c.status()) {
            case PASS -> "✓";
            case WARN -> "!";
            case FAIL -> "✗";
            case SKIP -> "-";
        };
        return mark + " " + c.title() + ": " + c.message() + (c.fix().isEmpty() ? "" : " → fix: " + c.fix());
    }
}
