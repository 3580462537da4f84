package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix demo: the built-in example, really trained, tuned in a new repository. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tunesTheExampleInANewRepositoryAndKeepsAnImprovement() throws Exception {
        Path dir = tmp.resolve("demo");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"demo", "--dir", dir.toString(), "--max-experiments", "5"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as("%s\n%s", out, err).isZero();
        JsonNode data = Output.JSON.readTree(out.toString()).get("data");
        assertThat(data.get("experiments").asInt()).isEqualTo(5);
        assertThat(data.get("rejected").asInt()).as(err.toString()).isZero();
        assertThat(data.get("kept").asInt()).as(err.toString()).isPositive();
        assertThat(data.get("best").asDouble()).isLessThan(data.get("baseline").asDouble());
        assertThat(dir.resolve("Train.java")).exists();
        assertThat(dir.resolve(".helix/experiments.jsonl")).exists();
        assertThat(err.toString()).contains("#5 ").contains("Demo repository: " + dir);

        int again = Main.run(new String[] {"demo", "--dir", dir.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
        assertThat(again).as("a non-empty --dir is refused").isEqualTo(2);
        assertThat(Files.readString(dir.resolve("Train.java"))).contains("LEARNING_RATE");
    }
}
