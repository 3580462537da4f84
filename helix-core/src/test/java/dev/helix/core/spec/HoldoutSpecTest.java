package dev.helix.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** evaluate.holdout with scope.hidden as helix.yaml writes them, and the mistakes a user makes with them. */
class HoldoutSpecTest {

    private static Map<String, Object> spec(Map<String, Object> holdout, List<String> hidden) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", "demo");
        root.put("domain", "AI/ML");
        root.put("description", "Lower the loss.");
        Map<String, Object> scope = new LinkedHashMap<>(Map.of("editable", List.of("train.py")));
        if (hidden != null) scope.put("hidden", hidden);
        root.put("scope", scope);
        root.put("metrics", Map.of("primary", Map.of("name", "val_loss")));
        Map<String, Object> evaluate = new LinkedHashMap<>(Map.of("command", "python train.py", "timeout_seconds", 60));
        if (holdout != null) evaluate.put("holdout", holdout);
        root.put("evaluate", evaluate);
        return root;
    }

    private static List<String> problems(Map<String, Object> doc) {
        return catchThrowableOfType(SpecException.class, () -> SpecReader.read(doc, "helix.yaml", p -> 0)).problems().stream()
                .map(p -> p.path() + ": " + p.message() + " / " + p.suggestion()).toList();
    }

    @Test
    void aDirectorySourceWithDefaultsFromTheEvaluation() throws SpecException {
        Spec s = SpecReader.read(spec(Map.of("command", "python eval.py --split test", "from_dir", "../heldout"),
                List.of("data/test/**")), "helix.yaml", p -> 0);

        Holdout h = s.evaluate().holdout().orElseThrow();
        assertThat(h.command()).isEqualTo("python eval.py --split test");
        assertThat(h.source()).isEqualTo(new Holdout.Directory("../heldout"));
        assertThat(h.hidden()).containsExactly("data/test/**");
        assertThat(h.timeoutSeconds()).isEqualTo(60);
        assertThat(h.repeats()).isEqualTo(3); // the baseline's repeats under the auto judge
    }

    @Test
    void aGitRefSourceWithItsOwnTimeoutAndRepeats() throws SpecException {
        Spec s = SpecReader.read(spec(Map.of("command", "sh holdout.sh", "from_ref", "refs/hidden/data", "timeout_seconds", 9,
                "repeats", 5), List.of("data/**")), "helix.yaml", p -> 0);

        Holdout h = s.evaluate().holdout().orElseThrow();
        assertThat(h.source()).isEqualTo(new Holdout.GitRef("refs/hidden/data"));
        assertThat(h.timeoutSeconds()).isEqualTo(9);
        assertThat(h.repeats()).isEqualTo(5);
    }

    @Test
    void withoutAHoldoutThereIsNone() throws SpecException {
        assertThat(SpecReader.read(spec(null, null), "helix.yaml", p -> 0).evaluate().holdout()).isEmpty();
    }

    @Test
    void bothSourcesOrNeitherAreReportedWithAFix() {
        assertThat(problems(spec(Map.of("command", "x", "from_dir", "../a", "from_ref", "refs/b"), List.of("d/**"))))
                .anyMatch(p -> p.startsWith("evaluate.holdout: has both from_dir and from_ref"));
        assertThat(problems(spec(Map.of("command", "x"), List.of("d/**"))))
                .anyMatch(p -> p.startsWith("evaluate.holdout: says nowhere") && p.contains("from_dir: ../heldout"));
    }

    @Test
    void hiddenFilesNeedAHoldoutAndAHoldoutNeedsHiddenFilesOutsideTheEditableOnes() {
        assertThat(problems(spec(null, List.of("data/**")))).anyMatch(p -> p.startsWith("scope.hidden: names hidden files but no evaluate.holdout"));
        assertThat(problems(spec(Map.of("command", "x", "from_dir", "../a"), null))).anyMatch(p -> p.startsWith("scope.hidden: is required"));
        assertThat(problems(spec(Map.of("command", "x", "from_dir", "../a"), List.of("train.py"))))
                .anyMatch(p -> p.startsWith("scope.hidden[0]: 'train.py' is both editable and hidden"));
        assertThat(problems(spec(Map.of("command", "x", "from_dir", "../a"), List.of("../outside"))))
                .anyMatch(p -> p.startsWith("scope.hidden[0]") && p.contains("outside the repository"));
        assertThat(problems(spec(Map.of("command", "x", "from_dri", "../a"), List.of("d/**"))))
                .anyMatch(p -> p.startsWith("evaluate.holdout.from_dri: unknown key") && p.contains("from_dir"));
    }
}
