package dev.helix.cli.resident;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a resident Helix was started from: a changed jar is seen at once, a changed source ends it. */
class ResidentOriginTest {
    @TempDir
    Path tmp;

    @Test
    void aJarRewrittenOrGoneIsNoLongerTheOneLoaded() throws Exception {
        Path jar = tmp.resolve("helix.jar");
        Files.writeString(jar, "one");
        ResidentOrigin origin = ResidentOrigin.of(jar);
        assertThat(origin.jarChanged()).isFalse();
        Files.writeString(jar, "two, longer");
        assertThat(origin.jarChanged()).isTrue();
        Files.delete(jar);
        assertThat(origin.jarChanged()).isTrue();
    }

    @Test
    void anEditedSourceUnderAWatchedDirectoryOrAWatchedFileIsSeen() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/main/java/dev"));
        Path source = Files.writeString(src.resolve("A.java"), "class A {}");
        Path pom = Files.writeString(tmp.resolve("pom.xml"), "<project/>");

        CountDownLatch sourceSeen = new CountDownLatch(1);
        ResidentOrigin.watch(List.of(tmp.resolve("src"), tmp.resolve("missing")), sourceSeen::countDown);
        Files.writeString(source, "class A { int x; }");
        assertThat(sourceSeen.await(2, TimeUnit.MINUTES)).as("the edit was seen").isTrue();

        CountDownLatch pomSeen = new CountDownLatch(1);
        ResidentOrigin.watch(List.of(pom), pomSeen::countDown);
        Files.writeString(pom, "<project><modules/></project>");
        assertThat(pomSeen.await(2, TimeUnit.MINUTES)).as("the pom's change was seen").isTrue();
    }
}
