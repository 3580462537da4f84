package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix review on a real session: the prompt for a second model. */
class ReviewCommandTest {
    @TempDir
    Path tmp;

    @Test
    void thePromptOfARealSessionMatchesTheGoldenFile() throws IOException {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("program.md", "# Program\n\nMove x toward the minimum of the parabola.\n");
        repo.commitAll("the program");
        assertThat(repo.helix("run", "--tag", "rv", "--max-experiments", "6").code()).isZero();

        TestRepo.Run review = repo.helix("--text", "review");

        assertThat(review.code()).as(review.toString()).isZero();
        assertThat(review.out()).isEqualTo(golden("review-session.md", review.out()));
    }

    @Test
    void withOutputItWritesTheFileAndAnswersWhereInTheEnvelope() throws IOException {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(repo.helix("run", "--tag", "rv", "--max-experiments", "2").code()).isZero();

        TestRepo.Run review = repo.helix("--json", "review", "--tag", "rv", "-o", "out/review.md");

        assertThat(review.code()).as(review.toString()).isZero();
        JsonNode data = review.json().get("data");
        Path file = repo.dir.resolve("out/review.md");
        assertThat(data.get("file").asText()).isEqualTo(file.toString());
        assertThat(Files.readString(file)).startsWith("# Review of Helix session rv\n")
                .contains("## Questions to answer", "Are the gains real, or noise or gaming of the evaluation?");
    }

    @Test
    void anUnknownSessionIsAUsageErrorWithAFix() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        assertThat(repo.helix("run", "--tag", "rv", "--max-experiments", "1").code()).isZero();
        TestRepo.Run review = repo.helix("--json", "review", "--tag", "nope");
        assertThat(review.code()).isEqualTo(2);
        assertThat(review.json().get("error").get("suggestion").asText()).isNotBlank();
    }

    /** The golden file's text; the actual text goes to target/golden-actual/ for a person to compare. */
    static String golden(String name, String actual) throws IOException {
        Path out = Path.of("target/golden-actual", name);
        Files.createDirectories(out.getParent());
        Files.writeString(out, actual);
        try (var in = ReviewCommandTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) throw new AssertionError("missing golden file " + name + "; the actual text is in " + out);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
