package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix init: pre-filled from the project, never overwriting, and then runnable. */
class InitCommandTest {
    @TempDir
    Path tmp;

    @Test
    void initWritesARunnableSpecAndNeverOverwrites() throws Exception {
        TestRepo repo = new TestRepo(tmp);
        repo.write("train.py", "print('val_bpb: 1.5')\n");
        repo.write("prepare.py", "print('ready')\n");
        repo.write(".gitignore", "__pycache__/\n");
        repo.commitAll("a training script");

        TestRepo.Run first = repo.helix("init", "--description", "Lower the validation bits per byte.");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.json().get("data").get("written")).extracting(JsonNode::asText)
                .anyMatch(p -> p.endsWith("helix.yaml")).anyMatch(p -> p.endsWith("program.md"));
        String spec = repo.read("helix.yaml");
        assertThat(spec).contains("train.py").contains("val_bpb").contains("minimize").contains("Lower the validation bits per byte.");
        assertThat(repo.read(".gitignore")).isEqualTo("__pycache__/\n.helix/\n");

        repo.write("program.md", "# my own notes\n");
        TestRepo.Run second = repo.helix("init");
        assertThat(second.code()).isZero();
        assertThat(second.json().get("data").get("written")).isEmpty();
        assertThat(repo.read("helix.yaml")).isEqualTo(spec);
        assertThat(repo.read("program.md")).isEqualTo("# my own notes\n");
        assertThat(repo.read(".gitignore")).isEqualTo("__pycache__/\n.helix/\n");
        assertThat(Files.exists(repo.dir.resolve(".helix"))).isFalse();
    }
}
