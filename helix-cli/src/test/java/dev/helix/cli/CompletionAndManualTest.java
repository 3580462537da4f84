package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code helix completion} and the man pages, made from the same command model as the help. */
class CompletionAndManualTest {
    @TempDir
    Path tmp;

    private static TestRepo.Run helix(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new TestRepo.Run(code, out.toString(), err.toString());
    }

    @Test
    void bashCompletionCompletesSubcommandsAndTheirOptionsInARealBash() throws Exception {
        TestRepo.Run run = helix("completion", "bash");
        assertThat(run.code()).as(run.toString()).isZero();
        Path script = Files.writeString(tmp.resolve("helix.bash"), run.out());
        // bash itself loads the script and asks it what "helix st" and "helix run --ma" complete to.
        String probe = "source " + script + "\n"
                + "COMP_WORDS=(helix st); COMP_CWORD=1; COMP_LINE='helix st'; COMP_POINT=8; _complete_helix; echo \"${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(helix run --max-e); COMP_CWORD=2; COMP_LINE='helix run --max-e'; COMP_POINT=17; _complete_helix; echo \"${COMPREPLY[*]}\"\n";
        // (compopt complains on stderr outside a real completion; only the answers on stdout count)
        Process bash = new ProcessBuilder("bash", "-c", probe).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String answer = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(answer.lines().toList()).as(answer).containsExactly("status", "--max-experiments");
    }

    @Test
    void bashCompletesTagValuesFromTheLedgerOnlyAfterTag() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        for (String tag : List.of("alpha", "beta")) {
            TestRepo.Run run = repo.helix("run", "--tag", tag, "--max-experiments", "1");
            assertThat(run.code()).as(run.toString()).isZero();
        }
        Path script = Files.writeString(tmp.resolve("helix.bash"), helix("completion", "bash").out());
        // The helix the script calls: this build, in a JVM of its own, counting its calls.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        String jvm = ProcessHandle.current().info().command().orElse("java");
        Path shim = Files.writeString(bin.resolve("helix"), "#!/bin/sh\necho call >> '" + tmp.resolve("calls") + "'\nexec '" + jvm
                + "' -cp '" + System.getProperty("java.class.path") + "' dev.helix.cli.Main \"$@\"\n");
        assertThat(shim.toFile().setExecutable(true)).isTrue();
        String probe = "export PATH='" + bin + "':$PATH; source " + script + "\n"
                + "COMP_WORDS=(helix log --ta); COMP_CWORD=2; _complete_helix; echo \"${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(helix -C '" + repo.dir + "' log --tag ''); COMP_CWORD=5; _complete_helix; echo \"${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(helix -C '" + repo.dir + "' status --tag b); COMP_CWORD=5; _complete_helix; echo \"${COMPREPLY[*]}\"\n";
        Process bash = new ProcessBuilder("bash", "-c", probe).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String answer = new String(bash.getInputStream().readAllBytes());
        assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(answer.lines().toList()).as(answer).containsExactly("--tag", "alpha beta", "beta");
        // helix is asked for the tags only at a TAB after --tag, not to complete "--ta".
        assertThat(Files.readAllLines(tmp.resolve("calls"))).hasSize(2);
        TestRepo.Run direct = repo.helix("__tags");
        assertThat(direct.out().lines().toList()).containsExactly("alpha", "beta");
        assertThat(helix("--help").out()).doesNotContain("__tags");
    }

    @Test
    void zshAndFishScriptsNameEveryCommandAndAnUnknownShellIsAUsageError() {
        assertThat(helix("completion", "zsh").out()).startsWith("#compdef helix").contains("bashcompinit");
        String fish = helix("completion", "fish").out();
        for (String command : Main.SUBCOMMAND_NAMES) assertThat(fish).contains("-a " + command + " ");
        assertThat(fish).contains("complete -c helix -n '__fish_seen_subcommand_from run' -l max-experiments -r");
        TestRepo.Run tcsh = helix("completion", "tcsh");
        assertThat(tcsh.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(tcsh.err()).contains("bash, zsh, fish");
    }

    @Test
    void aManPagePerCommandThatManCanRender() throws Exception {
        ManPages.main(new String[] {tmp.toString()});
        for (String command : Main.SUBCOMMAND_NAMES) {
            if (!command.equals("help")) assertThat(tmp.resolve("helix-" + command + ".1")).exists();
        }
        String run = Files.readString(tmp.resolve("helix-run.1"));
        assertThat(run).startsWith(".TH HELIX-RUN 1").contains(".SH OPTIONS").contains("\\-\\-max\\-experiments N");
        Process man = new ProcessBuilder("man", "-l", tmp.resolve("helix-run.1").toString()).redirectErrorStream(true).start();
        man.getOutputStream().close();
        String text = new String(man.getInputStream().readAllBytes());
        assertThat(man.waitFor(30, TimeUnit.SECONDS)).isTrue();
        org.junit.jupiter.api.Assumptions.assumeTrue(man.exitValue() == 0 || !text.contains("not found"), "man is installed");
        assertThat(text).contains("--max-experiments").contains("Run the experiment loop");
    }
}
