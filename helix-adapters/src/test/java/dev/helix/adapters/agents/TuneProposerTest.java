package dev.helix.adapters.agents;

import static dev.helix.adapters.agents.Fixtures.agent;
import static dev.helix.adapters.agents.Fixtures.record;
import static dev.helix.adapters.agents.Fixtures.request;
import static dev.helix.adapters.agents.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.ParamType;
import dev.helix.core.spec.Spec.Parameter;
import dev.helix.core.spec.Spec.SearchSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TuneProposerTest {

    static final String TRAIN = """
            import torch  # é, ü
            LR = 0.002  # learning rate
            HIDDEN = 4
            OPTIMIZER = "sgd"
            # LR = 0.5 is not the real one
            """;

    static final List<Parameter> PARAMS = List.of(
            new Parameter("lr", "train.py", "^LR = ([0-9.eE+-]+)", ParamType.FLOAT, 1e-4, 1e-1, true, List.of()),
            new Parameter("hidden", "train.py", "^HIDDEN = (\\d+)", ParamType.INT, 2, 128, true, List.of()),
            new Parameter("optimizer", "train.py", "^OPTIMIZER = \"(\\w+)\"", ParamType.CATEGORICAL, 0, 0, false,
                    List.of("sgd", "adam")));

    @TempDir
    Path dir;

    static Spec tuneSpec(List<Parameter> params, int initialRandom) {
        return spec(agent("tune", null, 0), new SearchSpec(params, 42, initialRandom));
    }

    Proposal propose(Spec spec, int experiment, List<Experiment> history) {
        return new TuneProposer().propose(request(spec, dir, experiment, history));
    }

    @Test
    void writesNewValuesInPlaceAndDescribesThem() throws Exception {
        Files.writeString(dir.resolve("train.py"), TRAIN);
        Proposal p = propose(tuneSpec(PARAMS, 3), 1, List.of());

        assertThat(p).isInstanceOf(Proposal.Change.class);
        Proposal.Change c = (Proposal.Change) p;
        assertThat(c.hypothesis()).contains("random sample");
        assertThat(c.usage().backend()).isEqualTo("tune");
        assertThat(c.usage().seconds()).isGreaterThanOrEqualTo(0);
        assertThat(c.description()).startsWith("lr=").contains("hidden=");

        String after = Files.readString(dir.resolve("train.py"));
        assertThat(after).isNotEqualTo(TRAIN);
        assertOnlyValuesChanged(TRAIN, after);
        // the description is what the file now says
        for (String part : c.description().split(", ")) {
            String[] kv = part.split("=");
            String name = kv[0].equals("lr") ? "LR = " : kv[0].equals("hidden") ? "HIDDEN = " : "OPTIMIZER = \"";
            assertThat(after).contains(name + kv[1]);
        }
    }

    /** Every line is as before except the value lines, whose text before the value is the same too. */
    static void assertOnlyValuesChanged(String before, String after) {
        String[] a = before.split("\n", -1), b = after.split("\n", -1);
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(b[i])) continue;
            assertThat(a[i]).matches("(LR = |HIDDEN = |OPTIMIZER = ).*");
            String prefix = a[i].substring(0, a[i].indexOf('=') + 2);
            assertThat(b[i]).startsWith(prefix);
            if (a[i].startsWith("LR")) assertThat(b[i]).endsWith("  # learning rate");
        }
    }

    @Test
    void laterExperimentsPerturbTheBest() throws Exception {
        Files.writeString(dir.resolve("train.py"), TRAIN);
        Proposal.Change c = (Proposal.Change) propose(tuneSpec(PARAMS, 3), 4, List.of());
        assertThat(c.hypothesis()).contains("perturb best");
        assertThat(c.description().split(", ")).hasSizeBetween(1, 2);
    }

    @Test
    void leavesTheFileByteIdenticalOutsideTheValues() throws Exception {
        byte[] original = ("LR = 0.002\r\n\uFEFF// ünïcödé\r\nHIDDEN = 4\r\n").getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("train.py"), original);
        List<Parameter> params = List.of(
                new Parameter("lr", "train.py", "LR = ([0-9.]+)", ParamType.FLOAT, 0.5, 0.9, false, List.of()),
                new Parameter("hidden", "train.py", "HIDDEN = (\\d+)", ParamType.INT, 100, 200, false, List.of()));
        Proposal.Change c = (Proposal.Change) propose(tuneSpec(params, 1), 1, List.of());
        String after = new String(Files.readAllBytes(dir.resolve("train.py")), StandardCharsets.UTF_8);
        String lr = after.substring(5, after.indexOf('\r'));
        String hidden = after.substring(after.lastIndexOf("= ") + 2, after.length() - 2);
        assertThat(after).isEqualTo("LR = " + lr + "\r\n\uFEFF// ünïcödé\r\nHIDDEN = " + hidden + "\r\n");
        assertThat(c.description()).isEqualTo("lr=" + lr + ", hidden=" + hidden);
    }

    @Test
    void aFileThatIsNotUtf8KeepsItsBytes() throws Exception {
        byte[] latin1 = "# caf\u00e9\nLR = 0.002\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("train.py"), latin1);
        List<Parameter> params = List.of(PARAMS.get(0));
        assertThat(propose(tuneSpec(params, 1), 1, List.of())).isInstanceOf(Proposal.Change.class);
        byte[] after = Files.readAllBytes(dir.resolve("train.py"));
        assertThat(new String(after, StandardCharsets.ISO_8859_1)).startsWith("# caf\u00e9\nLR = ");
        assertThat(after[5]).isEqualTo((byte) 0xE9);
    }

    @Test
    void parametersMaySpanSeveralFiles() throws Exception {
        Files.writeString(dir.resolve("a.py"), "LR = 0.01\n");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/b.toml"), "hidden = 16\n");
        List<Parameter> params = List.of(
                new Parameter("lr", "a.py", "LR = ([0-9.eE-]+)", ParamType.FLOAT, 1e-4, 1e-1, true, List.of()),
                new Parameter("hidden", "conf/b.toml", "hidden = (\\d+)", ParamType.INT, 8, 64, false, List.of()));
        Proposal.Change c = (Proposal.Change) propose(tuneSpec(params, 2), 1, List.of());
        assertThat(Files.readString(dir.resolve("a.py"))).matches("LR = [0-9.e-]+\n").isNotEqualTo("LR = 0.01\n");
        assertThat(Files.readString(dir.resolve("conf/b.toml"))).matches("hidden = \\d+\n");
        assertThat(c.description()).contains("lr=");
    }

    @Test
    void oneFileSpelledTwoWaysIsWrittenOnce() throws Exception {
        Files.writeString(dir.resolve("train.py"), "LR = 0.01\nHIDDEN = 16\n");
        List<Parameter> params = List.of(
                new Parameter("lr", "train.py", "LR = ([0-9.eE-]+)", ParamType.FLOAT, 0.5, 0.9, false, List.of()),
                new Parameter("hidden", "./train.py", "HIDDEN = (\\d+)", ParamType.INT, 100, 200, false, List.of()));
        Proposal.Change c = (Proposal.Change) propose(tuneSpec(params, 1), 1, List.of());
        String after = Files.readString(dir.resolve("train.py"));
        assertThat(after).doesNotContain("0.01").doesNotContain("16");
        assertThat(c.description().split(", ")).hasSize(2);
    }

    @Test
    void aMissingFileFailsNamingTheFileAndPattern() throws Exception {
        Proposal p = propose(tuneSpec(PARAMS, 3), 1, List.of());
        assertThat(p).isInstanceOf(Proposal.Failure.class);
        assertThat(((Proposal.Failure) p).reason()).contains("train.py").contains("not found").contains("^LR = ([0-9.eE+-]+)");
    }

    @Test
    void aPatternThatMatchesNothingFailsAndLeavesTheFileAlone() throws Exception {
        String text = TRAIN.replace("HIDDEN = 4", "HIDDEN_SIZE = 4");
        Files.writeString(dir.resolve("train.py"), text);
        Proposal p = propose(tuneSpec(PARAMS, 3), 1, List.of());
        assertThat(((Proposal.Failure) p).reason())
                .isEqualTo("parameter hidden: pattern '^HIDDEN = (\\d+)' matches nothing in train.py");
        assertThat(Files.readString(dir.resolve("train.py"))).isEqualTo(text);
    }

    @Test
    void withoutParametersItExplainsWhatToAdd() {
        Proposal p = propose(tuneSpec(List.of(), 3), 1, List.of());
        assertThat(((Proposal.Failure) p).reason()).contains("add search.parameters to helix.yaml");
    }

    @Test
    void aFileOutsideTheWorktreeIsRefused() throws Exception {
        List<Parameter> params = List.of(new Parameter("lr", "../x.py", "LR = (\\S+)", ParamType.FLOAT, 0, 1, false, List.of()));
        Proposal p = propose(tuneSpec(params, 3), 1, List.of());
        assertThat(((Proposal.Failure) p).reason()).contains("outside the worktree");
    }

    @Test
    void anUnusableRangeIsAFailureNotACrash() throws Exception {
        Files.writeString(dir.resolve("train.py"), TRAIN);
        List<Parameter> params = List.of(new Parameter("lr", "train.py", "LR = (\\S+)", ParamType.FLOAT, 0, 1, true, List.of()));
        Proposal p = propose(tuneSpec(params, 3), 1, List.of());
        assertThat(((Proposal.Failure) p).reason()).contains("log range must be positive");
    }

    @Test
    void aResumedSessionProposesWhatAnUninterruptedOneWould() throws Exception {
        List<String> first = new ArrayList<>(), second = new ArrayList<>();
        for (List<String> out : List.of(first, second)) {
            Files.writeString(dir.resolve("train.py"), TRAIN);
            List<Experiment> history = new ArrayList<>();
            for (int n = 1; n <= 6; n++) {
                Proposal.Change c = (Proposal.Change) propose(tuneSpec(PARAMS, 2), n, history);
                out.add(c.description() + " | " + Files.readString(dir.resolve("train.py")));
                history.add(record(n, Status.DISCARD, 2.0, c.description()));
                Files.writeString(dir.resolve("train.py"), TRAIN); // discarded: back to the best
            }
        }
        assertThat(second).isEqualTo(first);
    }

    @Test
    void theValuesWrittenTravelWithTheChangeAndTheBaselineValuesAreReadAsTheyStand() throws Exception {
        Files.writeString(dir.resolve("train.py"), TRAIN);
        assertThat(new TuneProposer().parameters(tuneSpec(PARAMS, 3), dir))
                .containsExactly(java.util.Map.entry("lr", "0.002"), java.util.Map.entry("hidden", "4"),
                        java.util.Map.entry("optimizer", "sgd"));
        Proposal.Change c = (Proposal.Change) propose(tuneSpec(PARAMS, 3), 1, List.of());
        String after = Files.readString(dir.resolve("train.py"));
        assertThat(c.parameters()).containsOnlyKeys("lr", "hidden", "optimizer");
        assertThat(after).contains("LR = " + c.parameters().get("lr"), "HIDDEN = " + c.parameters().get("hidden"),
                "OPTIMIZER = \"" + c.parameters().get("optimizer"));
        assertThat(new TuneProposer().parameters(tuneSpec(PARAMS, 3), dir)).isEqualTo(c.parameters());
        Files.delete(dir.resolve("train.py"));
        assertThat(new TuneProposer().parameters(tuneSpec(PARAMS, 3), dir)).isEmpty();
    }

    @Test
    void whenEveryPointOfAFiniteSpaceWasMeasuredTheSessionEnds() throws Exception {
        Files.writeString(dir.resolve("train.py"), TRAIN);
        List<Parameter> params = List.of(PARAMS.get(2)); // optimizer: sgd or adam
        List<Experiment> history = List.of(record(0, Status.BASELINE, 2.0, "baseline").withParameters(java.util.Map.of("optimizer", "sgd")),
                record(1, Status.DISCARD, 3.0, "optimizer=adam").withParameters(java.util.Map.of("optimizer", "adam")));
        Proposal p = propose(tuneSpec(params, 0), 2, history);
        assertThat(p).isInstanceOf(Proposal.Exhausted.class);
        assertThat(((Proposal.Exhausted) p).reason()).contains("every configuration");
        assertThat(Files.readString(dir.resolve("train.py"))).isEqualTo(TRAIN);
    }
}
