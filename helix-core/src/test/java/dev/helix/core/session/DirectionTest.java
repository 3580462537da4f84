package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** helix run --directions: a section of program.md by its title, or a line of text. */
class DirectionTest {
    private static final String PROGRAM = """
            # Program
            Try things.

            ## Optimizer
            Use Adam.
            ### Warmup
            A short one.

            ## Data
            Shuffle more.
            """;

    @Test
    void aTitleNamesItsSectionWithItsSubsectionsAndAnythingElseIsTakenAsItIs() {
        List<Optional<Direction>> d = Direction.forWorkers(List.of("OPTIMIZER", "try a  smaller batch"), PROGRAM, 2);

        assertThat(d.get(0)).contains(new Direction("OPTIMIZER", "## Optimizer\nUse Adam.\n### Warmup\nA short one."));
        assertThat(d.get(1)).contains(new Direction("try a  smaller batch", "try a  smaller batch"));
    }

    @Test
    void workersTakeDirectionsRoundRobinAndNoneWhenNoneAreGiven() {
        assertThat(Direction.forWorkers(List.of("data", "x"), PROGRAM, 5)).extracting(o -> o.orElseThrow().name())
                .containsExactly("data", "x", "data", "x", "data");
        assertThat(Direction.forWorkers(List.of("data"), PROGRAM, 1).get(0).orElseThrow().text()).isEqualTo("## Data\nShuffle more.");
        assertThat(Direction.forWorkers(List.of(), PROGRAM, 3)).containsExactly(Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void aHashWithoutASpaceIsNotAHeading() {
        assertThat(Direction.section("#Optimizer\nx\n", "optimizer")).isEmpty();
        assertThat(Direction.section("", "optimizer")).isEmpty();
    }
}
