package dev.helix.core.edit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.edit.SearchReplace.Block;
import dev.helix.core.edit.SearchReplace.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SearchReplaceTest {

    @Nested
    class Parsing {
        @Test
        void readsThePathTheSearchAndTheReplacementOfEachBlock() {
            String reply = """
                    Lower the learning rate
                    Hypothesis: the loss oscillates

                    train.py
                    <<<<<<< SEARCH
                    LR = 0.1
                    =======
                    LR = 0.05
                    >>>>>>> REPLACE

                    src/model.py
                    <<<<<<< SEARCH
                        width = 3
                        depth = 2
                    =======
                        width = 4
                    >>>>>>> REPLACE
                    """;
            assertThat(SearchReplace.parse(reply)).containsExactly(
                    new Block("train.py", "LR = 0.1\n", "LR = 0.05\n", 5),
                    new Block("src/model.py", "    width = 3\n    depth = 2\n", "    width = 4\n", 12));
        }

        @Test
        void toleratesBackticksFileLabelsBoldAndCodeFences() {
            String reply = """
                    Change things

                    `a.py`
                    ```python
                    <<<<<<< SEARCH
                    x = 1
                    =======
                    x = 2
                    >>>>>>> REPLACE
                    ```

                    File: b.py
                    <<<<<<< SEARCH
                    y = 1
                    =======
                    y = 2
                    >>>>>>> REPLACE

                    **c.py**
                    ```
                    <<<<<<< SEARCH
                    =======
                    new
                    >>>>>>> REPLACE
                    ```
                    """;
            assertThat(SearchReplace.parse(reply)).extracting(Block::path).containsExactly("a.py", "b.py", "c.py");
        }

        @Test
        void aBlockRightAfterAnotherEditsTheSameFile() {
            String reply = """
                    a.py
                    <<<<<<< SEARCH
                    x = 1
                    =======
                    x = 2
                    >>>>>>> REPLACE
                    <<<<<<< SEARCH
                    y = 1
                    =======
                    y = 2
                    >>>>>>> REPLACE
                    """;
            assertThat(SearchReplace.parse(reply)).extracting(Block::path).containsExactly("a.py", "a.py");
        }

        @Test
        void anEmptySearchAndAnEmptyReplacementAreEmptyStrings() {
            List<Block> blocks = SearchReplace.parse("new.py\n<<<<<<< SEARCH\n=======\nprint(1)\n>>>>>>> REPLACE\n"
                    + "old.py\n<<<<<<< SEARCH\ndead()\n=======\n>>>>>>> REPLACE\n");
            assertThat(blocks.get(0).search()).isEmpty();
            assertThat(blocks.get(0).replace()).isEqualTo("print(1)\n");
            assertThat(blocks.get(1).replace()).isEmpty();
        }

        @Test
        void aBlockCutShortIsAProblemNotABlock() {
            SearchReplace.Parsed parsed = SearchReplace.read("""
                    a.py
                    <<<<<<< SEARCH
                    x = 1
                    =======
                    x = 2
                    """);
            assertThat(parsed.blocks()).isEmpty();
            assertThat(parsed.problems()).singleElement().asString()
                    .contains("line 2", "a.py", "no >>>>>>> REPLACE", "the reply ends inside it");
        }

        @Test
        void thePreambleIsTheTextBeforeTheFirstBlocksPath() {
            SearchReplace.Parsed parsed = SearchReplace.read("Halve x\nHypothesis: smaller is better\n\nx.txt\n"
                    + "<<<<<<< SEARCH\nx = 4\n=======\nx = 2\n>>>>>>> REPLACE\n");
            assertThat(parsed.preamble()).isEqualTo("Halve x\nHypothesis: smaller is better\n");
        }

        @Test
        void aReplyWithoutBlocksHasNone() {
            assertThat(SearchReplace.parse("I think the code is fine as it is.")).isEmpty();
            assertThat(SearchReplace.parse(null)).isEmpty();
        }

        @Test
        void cleansDecoratedPaths() {
            assertThat(SearchReplace.cleanPath("### `src/a.py`:")).isEqualTo("src/a.py");
            assertThat(SearchReplace.cleanPath("**File:** src/a.py")).isEqualTo("src/a.py");
            assertThat(SearchReplace.cleanPath("file: `b.txt`")).isEqualTo("b.txt");
        }
    }

    @Nested
    class Applying {
        final Map<String, String> files = Map.of(
                "train.py", "LR = 0.1\nEPOCHS = 3\nprint(LR)\n",
                "dup.py", "x = 1\ny = 2\nx = 1\n");

        @Test
        void replacesTheExactLinesOnce() {
            Outcome o = SearchReplace.apply(files, List.of(new Block("train.py", "LR = 0.1\n", "LR = 0.05\n", 1)));
            assertThat(o.ok()).isTrue();
            assertThat(o.changed()).containsExactly(Map.entry("train.py", "LR = 0.05\nEPOCHS = 3\nprint(LR)\n"));
        }

        @Test
        void blocksApplyInOrderEachToTheTextBeforeIt() {
            Outcome o = SearchReplace.apply(files, List.of(
                    new Block("train.py", "LR = 0.1\n", "LR = 0.05\n", 1),
                    new Block("train.py", "LR = 0.05\nEPOCHS = 3\n", "LR = 0.05\nEPOCHS = 5\n", 7)));
            assertThat(o.changed().get("train.py")).isEqualTo("LR = 0.05\nEPOCHS = 5\nprint(LR)\n");
        }

        @Test
        void lineMustMatchWholeNotInsideAnotherLine() {
            Outcome o = SearchReplace.apply(files, List.of(new Block("train.py", "0.1\n", "0.2\n", 1)));
            assertThat(o.failures()).singleElement().extracting(SearchReplace.Failure::why).asString().contains("do not occur");
        }

        @Test
        void noMatchNamesTheFileTheBlockAndWhyWithANearMissHint() {
            Outcome o = SearchReplace.apply(files, List.of(new Block("train.py", "  LR = 0.1\n", "LR = 1\n", 1)));
            assertThat(o.ok()).isFalse();
            assertThat(o.changed()).isEmpty();
            assertThat(o.failures()).singleElement().extracting(SearchReplace.Failure::render).asString()
                    .startsWith("train.py: block \"LR = 0.1\": the SEARCH lines do not occur in the file")
                    .contains("lines 1-1 match except for indentation");
        }

        @Test
        void moreThanOneMatchIsAFailureNamingTheLines() {
            Outcome o = SearchReplace.apply(files, List.of(new Block("dup.py", "x = 1\n", "x = 9\n", 1)));
            assertThat(o.failures()).singleElement().extracting(SearchReplace.Failure::why).asString()
                    .contains("occur 2 times", "lines 1, 3");
        }

        @Test
        void anUnknownOrNonEditableFileIsAFailure() {
            Outcome o = SearchReplace.apply(files, List.of(new Block("evaluate.sh", "echo\n", "echo 1\n", 1)));
            assertThat(o.failures()).singleElement().extracting(SearchReplace.Failure::why).asString()
                    .contains("not one of the editable files");
        }

        @Test
        void anEmptySearchCreatesANewFileOnlyWhenAllowedAndAbsent() {
            Block create = new Block("notes/new.py", "", "print(1)\n", 1);
            assertThat(SearchReplace.apply(files, List.of(create)).changed()).containsEntry("notes/new.py", "print(1)\n");
            assertThat(SearchReplace.apply(files, List.of(create), p -> false).failures()).singleElement()
                    .extracting(SearchReplace.Failure::why).asString().contains("may not be created");
            assertThat(SearchReplace.apply(files, List.of(new Block("train.py", "", "x\n", 1))).failures()).singleElement()
                    .extracting(SearchReplace.Failure::why).asString().contains("the file exists");
        }

        @Test
        void pathsOutsideTheRepositoryAreRefused() {
            Outcome o = SearchReplace.apply(files, List.of(
                    new Block("../x", "", "evil\n", 1),
                    new Block("/etc/passwd", "", "evil\n", 2),
                    new Block("a/../../x", "", "evil\n", 3),
                    new Block(".git/config", "", "evil\n", 4),
                    new Block("", "x = 1\n", "x = 2\n", 5)));
            assertThat(o.changed()).isEmpty();
            assertThat(o.failures()).extracting(SearchReplace.Failure::why).containsExactly(
                    "the path leaves the repository ('..')",
                    "an absolute path: only paths relative to the repository root may be edited",
                    "the path leaves the repository ('..')",
                    "a git internal file",
                    "no file path before the block");
        }

        @Test
        void theBlocksThatApplyAreKeptWhenOthersFail() {
            Outcome o = SearchReplace.apply(files, List.of(
                    new Block("train.py", "LR = 0.1\n", "LR = 0.05\n", 1),
                    new Block("train.py", "EPOCHS = 4\n", "EPOCHS = 5\n", 7)));
            assertThat(o.changed()).containsKey("train.py");
            assertThat(o.failures()).hasSize(1);
        }

        @Test
        void keepsCrlfLineEndingsAndAMissingFinalNewline() {
            Outcome crlf = SearchReplace.apply(Map.of("w.bat", "a\r\nb\r\n"), List.of(new Block("w.bat", "a\n", "c\n", 1)));
            assertThat(crlf.changed().get("w.bat")).isEqualTo("c\r\nb\r\n");
            Outcome last = SearchReplace.apply(Map.of("p.txt", "x = 4\ny = 1"), List.of(new Block("p.txt", "y = 1\n", "y = 2\n", 1)));
            assertThat(last.changed().get("p.txt")).isEqualTo("x = 4\ny = 2");
        }

        @Test
        void aReplacementCanDeleteLines() {
            Outcome o = SearchReplace.apply(files, List.of(new Block("train.py", "EPOCHS = 3\n", "", 1)));
            assertThat(o.changed().get("train.py")).isEqualTo("LR = 0.1\nprint(LR)\n");
        }
    }

    @Test
    void parsesWhatThePromptAsksFor() {
        String reply = """
                Use a smaller learning rate
                Hypothesis: 0.1 overshoots

                train.py
                <<<<<<< SEARCH
                LR = 0.1
                =======
                LR = 0.03
                >>>>>>> REPLACE
                """;
        Outcome o = SearchReplace.apply(Map.of("train.py", "LR = 0.1\n"), SearchReplace.parse(reply));
        assertThat(o.changed()).containsExactly(Map.entry("train.py", "LR = 0.03\n"));
    }
}
