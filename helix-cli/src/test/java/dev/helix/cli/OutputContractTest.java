package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.core.guide.Skill;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output contract of the README's "Output" section, held by the command line as a program calls
 * it (stdout not a terminal): stdout carries the data, people's notes and errors go to stderr, an
 * explicit format wins, errors are an envelope and a line, numbers keep the digits measured.
 */
class OutputContractTest {
    @TempDir
    static Path tmp;

    static TestRepo repo;

    @BeforeAll
    static void runASession() {
        repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        TestRepo.Run run = repo.helix("run", "--tag", "oc", "--max-experiments", "3");
        assertThat(run.code()).as(run.toString()).isZero();
    }

    @Test
    void documentsAreWrittenAsThemselvesWhenPipedAndInTheEnvelopeOnlyWithJson() throws Exception {
        TestRepo.Run csv = repo.helix("export", "--format", "csv");
        assertThat(csv.code()).as(csv.toString()).isZero();
        assertThat(csv.out()).startsWith("tag,run,").doesNotContain("\"status\":\"success\"");
        assertThat(csv.out().lines().count()).isEqualTo(repo.ledger().size() + 1);
        assertThat(csv.out()).as("no binary arithmetic noise").doesNotContainPattern(",-?\\d+\\.\\d*(0{6}|9{6})\\d");
        assertThat(repo.helix("export", "--format", "tsv").out()).startsWith("tag\trun\tcommit\t");
        assertThat(Output.JSON.readTree(repo.helix("export", "--format", "json").out()).size()).isEqualTo(repo.ledger().size());
        assertThat(repo.helix("export", "--format", "jsonl").out().lines().count()).isEqualTo(repo.ledger().size());
        assertThat(repo.helix("report", "--format", "md").out()).startsWith("# ");
        assertThat(repo.helix("report", "--format", "html").out()).startsWith("<!DOCTYPE html>");
        assertThat(repo.helix("guide").out()).isEqualTo(Skill.body().stripTrailing() + "\n");
        assertThat(repo.helix("review").out()).startsWith("# Review of Helix session oc");
        TestRepo.Run diff = repo.helix("diff", "baseline", "best");
        assertThat(diff.out()).startsWith("diff --git");
        assertThat(diff.err()).startsWith("diff #0 (baseline, ");

        JsonNode enveloped = repo.helix("--json", "export", "--format", "csv").json();
        assertThat(enveloped.at("/data/content").asText()).startsWith("tag,run,");
    }

    @Test
    void recordsAndStatusesStayJsonWhenPiped() {
        for (String command : List.of("status", "log", "best")) {
            TestRepo.Run run = repo.helix(command);
            assertThat(run.json().get("status").asText()).as(command).isEqualTo("success");
            assertThat(run.err()).as(command).isEmpty();
        }
    }

    @Test
    void logFitsTheTerminalsWidthAndLeavesPipedRowsWhole() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"-C", repo.dir.toString(), "log", "--tag", "oc"}, new PrintWriter(out),
                new PrintWriter(new StringWriter()), true, repo.dir, CommandLine.Help.Ansi.OFF, Map.of("COLUMNS", "80"));
        assertThat(code).isZero();
        List<String> rows = out.toString().lines().toList();
        assertThat(rows).hasSize(repo.ledger().size()).allSatisfy(row -> assertThat(row).hasSizeLessThanOrEqualTo(80));
        assertThat(rows).anySatisfy(row -> assertThat(row).contains("…"));
        TestRepo.Run piped = repo.helix("log", "--tag", "oc", "--text");
        assertThat(piped.out()).doesNotContain("…").contains("baseline");
        assertThat(piped.out().lines().mapToInt(String::length).max().orElseThrow()).isGreaterThan(80);
    }

    @Test
    void longWorkShowsProgressOnStderrWhenPiped() {
        TestRepo.Run doctor = repo.helix("doctor");
        assertThat(doctor.json().get("status").asText()).as(doctor.toString()).isEqualTo("success");
        assertThat(doctor.err()).startsWith("Checking " + repo.dir).contains("the evaluation runs once");
        // A line per check as it ends, and one before the slow evaluation starts; stdout is the envelope alone.
        int checks = doctor.json().at("/data/checks").size();
        assertThat(doctor.err().lines().filter(l -> l.matches("  .+: (pass|warn|fail|skip)"))).hasSize(checks);
        assertThat(doctor.err()).contains("checking the evaluation (runs it once)...\n  Evaluation runs within its timeout: ");
        assertThat(doctor.out().strip().lines()).hasSize(1);
    }

    @Test
    void everyErrorIsAnEnvelopeOnStdoutAndALineOnStderrUsageErrorsToo() {
        TestRepo.Run usage = repo.helix("log", "--json", "--bogus");
        assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.json().at("/error/message").asText()).contains("--bogus");
        assertThat(usage.err()).startsWith("error: Unknown option: '--bogus'").contains("  fix: see 'helix log --help'");

        TestRepo.Run missing = repo.helix("show", "999");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.json().get("status").asText()).isEqualTo("error");
        assertThat(missing.err()).startsWith("error: ").contains("  fix: ");

        TestRepo.Run typo = repo.helix("stauts");
        assertThat(typo.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(typo.json().at("/error/message").asText()).contains("status");

        TestRepo.Run text = repo.helix("--text", "show", "999");
        assertThat(text.out()).isEmpty();
        assertThat(text.err()).startsWith("error: ");
    }

    @Test
    void aMissingDirectoryIsSaidToBeMissing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path nowhere = tmp.resolve("no-such-dir");
        int code = Main.run(new String[] {"-C", nowhere.toString(), "status"}, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("the directory does not exist").contains(nowhere.toString());
    }

    @Test
    void statusGivesTheNoiseAsAnObject() {
        JsonNode noise = repo.helix("status").json().at("/data/noise");
        assertThat(noise.isObject()).as(noise.toString()).isTrue();
        assertThat(noise.get("kind").asText()).isEqualTo("strict");
        assertThat(noise.get("sd").asDouble()).isZero();
        assertThat(noise.get("samples").asInt()).isPositive();
    }

    @Test
    void numbersKeepTheDigitsThatWereMeasured() {
        StringWriter out = new StringWriter();
        Output output = new Output(new PrintWriter(out), new PrintWriter(new StringWriter()), true);
        output.success(Map.of("delta", -0.01822600000000002, "sum", 0.1 + 0.2, "big", 123456.789, "n", 7), List.of());
        JsonNode data = TestRepo.Run.class.cast(new TestRepo.Run(0, out.toString(), "")).json().get("data");
        assertThat(data.get("delta").toString()).isEqualTo("-0.018226");
        assertThat(data.get("sum").toString()).isEqualTo("0.3");
        assertThat(data.get("big").toString()).isEqualTo("123456.789");
        assertThat(data.get("n").toString()).isEqualTo("7");
    }

    @Test
    void helpOfEveryCommandShowsOptionsAsTypedWithoutVersionOrLibraryWarnings() {
        PrintStream before = System.err;
        ByteArrayOutputStream library = new ByteArrayOutputStream();
        System.setErr(new PrintStream(library, true, StandardCharsets.UTF_8));
        try {
            for (String command : Main.SUBCOMMAND_NAMES) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.run(new String[] {command, "--help"}, new PrintWriter(out), new PrintWriter(err));
                assertThat(code).as(command).isZero();
                assertThat(err.toString()).as(command).isEmpty();
                assertThat(out.toString()).as(command).contains("-C DIR").doesNotContain("-C=DIR").doesNotContain("-V,")
                        .doesNotContain("--version").doesNotContain("\u001b[");
            }
        } finally {
            System.setErr(before);
        }
        assertThat(library.toString(StandardCharsets.UTF_8)).as("picocli's own warnings").isEmpty();
    }

    @Test
    void theTopHelpTellsOfTheResidentHelixAndHowToTurnItOff() {
        StringWriter out = new StringWriter();
        assertThat(Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()))).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("helix daemon status").contains("helix daemon stop")
                .contains("HELIX_NO_DAEMON=1").contains("--no-daemon");
    }

    @Test
    void versionNamesTheVersionTheCommitAndTheJava() {
        StringWriter out = new StringWriter();
        assertThat(Main.run(new String[] {"--version"}, new PrintWriter(out), new PrintWriter(new StringWriter()))).isZero();
        assertThat(out.toString()).startsWith("helix ").contains("\ncommit ").contains("\njava " + System.getProperty("java.runtime.version"));
    }

    @Test
    void colourOnlyOnATerminalThatWantsIt() {
        assertThat(Terminals.colour(true, Map.of("TERM", "xterm-256color"))).isTrue();
        assertThat(Terminals.colour(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(Terminals.colour(true, Map.of("TERM", "xterm", "NO_COLOR", "1"))).isFalse();
        assertThat(Terminals.colour(false, Map.of("TERM", "xterm"))).isFalse();
    }

    @Test
    void onARealTerminalColourUnlessNoColorOrADumbTerminal() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/script")), "script(1) gives a pty");
        assertThat(helpOnAPty(Map.of("TERM", "xterm-256color"))).as("a terminal that wants colour").contains("\u001b[");
        assertThat(helpOnAPty(Map.of("TERM", "dumb"))).contains("Usage: helix").doesNotContain("\u001b[");
        assertThat(helpOnAPty(Map.of("TERM", "xterm-256color", "NO_COLOR", "1"))).contains("Usage: helix").doesNotContain("\u001b[");
    }

    /** {@code helix --help} in a JVM of its own whose stdout is a pseudo-terminal (script(1)), with {@code env}. */
    private static String helpOnAPty(Map<String, String> env) throws Exception {
        String jvm = ProcessHandle.current().info().command().orElse("java");
        String command = "'" + jvm + "' -cp '" + System.getProperty("java.class.path") + "' dev.helix.cli.Main --help";
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", command, "/dev/null").redirectErrorStream(true);
        pb.environment().remove("NO_COLOR");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
