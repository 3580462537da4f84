package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command trees a resident Helix keeps between calls: a call after another of the same command with
 * other options prints exactly what a call on a freshly built tree prints, so nothing one call set
 * (an option, a parameter, a directory, the output mode) reaches the next.
 */
class ReusedCommandsTest {
    @TempDir
    Path tmp;

    record Answer(int exit, String out, String err) {
    }

    @Test
    void callsBackToBackWithDifferentOptionsEachAnswerAsAFreshTreeDoes() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(repo.helix("run", "--tag", "a", "--max-experiments", "3").code()).isZero();
        assertThat(repo.helix("run", "--tag", "b", "--max-experiments", "2").code()).isZero();
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        String r = repo.dir.toString();
        // each call follows one of the same command that set what it leaves unset
        List<List<String>> calls = List.of(
                List.of("-C", r, "log", "-n", "2", "--tag", "a", "--text"), List.of("-C", r, "log"),
                List.of("-C", r, "log", "-n", "1", "--json"), List.of("-C", r, "log", "-n", "-1"), List.of("-C", r, "log"),
                List.of("-C", r, "status", "--tag", "a", "--holdout"), List.of("-C", r, "status"),
                List.of("-C", r, "status", "--bogus"), List.of("-C", r, "status", "--text"), List.of("status"),
                List.of("-C", r, "show", "2", "--patch", "--tag", "a"), List.of("-C", r, "show", "1"),
                List.of("-C", r, "diff", "1", "3", "--tag", "a"), List.of("-C", r, "diff", "2"),
                List.of("-C", r, "export", "--format", "tsv", "--tag", "a"), List.of("-C", r, "export"),
                List.of("-C", r, "report", "--format", "html"), List.of("-C", r, "report"),
                List.of("-C", r, "best", "--tag", "a"), List.of("-C", r, "best", "--json"), List.of("-C", r, "best"),
                List.of("help", "log"), List.of("--help"), List.of("--version"), List.of("log", "--help"), List.of("-C", r, "log"),
                List.of("agent-info"), List.of("-C", r, "guide"), List.of("bogus"), List.of());
        ReusedCommands reused = new ReusedCommands();
        for (List<String> call : calls) {
            String[] args = call.toArray(String[]::new);
            Answer fresh = fresh(outside, args);
            Answer again = reused(reused, outside, args);
            assertThat(again).as("helix %s", String.join(" ", call)).isEqualTo(fresh);
        }
        // and the first, once more after all the others
        String[] first = calls.get(0).toArray(String[]::new);
        assertThat(reused(reused, outside, first)).isEqualTo(fresh(outside, first));
        assertThat(fresh(outside, "status").exit()).as("outside a repository status fails: -C did not stick").isNotZero();
    }

    private static Answer fresh(Path cwd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err), false, cwd);
        return new Answer(exit, out.toString(), err.toString());
    }

    private static Answer reused(ReusedCommands reused, Path cwd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = reused.run(args, new PrintWriter(out), new PrintWriter(err), cwd);
        return new Answer(exit, out.toString(), err.toString());
    }
}
