package dev.helix.core.scope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void aPlainNameMatchesThatFileAtTheRoot() {
        assertThat(Glob.of("train.py").matches("train.py")).isTrue();
        assertThat(Glob.of("train.py").matches("src/train.py")).isFalse();
        assertThat(Glob.of("./train.py").matches("train.py")).isTrue();
    }

    @Test
    void aStarStaysInOneDirectory() {
        assertThat(Glob.of("*.py").matches("train.py")).isTrue();
        assertThat(Glob.of("*.py").matches("lib/train.py")).isFalse();
        assertThat(Glob.of("src/*.java").matches("src/A.java")).isTrue();
        assertThat(Glob.of("src/*.java").matches("src/a/A.java")).isFalse();
    }

    @Test
    void aDoubleStarSpansDirectoriesIncludingNone() {
        Glob g = Glob.of("src/**/*.java");
        assertThat(g.matches("src/A.java")).isTrue();
        assertThat(g.matches("src/a/b/A.java")).isTrue();
        assertThat(g.matches("test/A.java")).isFalse();
        assertThat(Glob.of("src/**").matches("src/a/b.txt")).isTrue();
        assertThat(Glob.of("**/*.rs").matches("a.rs")).isTrue();
    }

    @Test
    void bracesAndQuestionMarksAndRegexCharacters() {
        assertThat(Glob.of("src/*.{ts,js}").matches("src/a.js")).isTrue();
        assertThat(Glob.of("src/*.{ts,js}").matches("src/a.py")).isFalse();
        assertThat(Glob.of("v?.txt").matches("v1.txt")).isTrue();
        assertThat(Glob.of("a+b(1).txt").matches("a+b(1).txt")).isTrue();
        assertThat(Glob.of("a.txt").matches("abtxt")).isFalse();
    }

    @Test
    void aPatternNamingADirectoryMatchesEverythingUnderItAsUsersWriteItInGitignore() {
        for (String dir : new String[] {"data/test", "data/test/", "./data/test/", "data/test//"}) {
            Glob g = Glob.of(dir);
            assertThat(g.matches("data/test/a.txt")).as(dir).isTrue();
            assertThat(g.matches("data/test/sub dir/b c.bin")).as(dir).isTrue();
            assertThat(g.matches("data/testing/a.txt")).as(dir).isFalse();
            assertThat(g.matches("data/tes")).as(dir).isFalse();
        }
        assertThat(Glob.of("data/test").matches("data/test")).as("a file of that name").isTrue();
        assertThat(Glob.of("data/test/").matches("data/test")).as("a trailing slash names a directory only").isFalse();
        assertThat(Glob.of("src/*").matches("src/a/b.py")).as("a wildcard still stays in its directory").isFalse();
        assertThat(Glob.of("*.py").matches("lib/train.py")).isFalse();
    }
}
