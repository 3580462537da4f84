package dev.helix.core.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.spec.Spec;
import dev.helix.core.spec.SpecReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeGuardTest {
    private final Spec spec = SpecReader.read(Map.of(
            "name", "t", "domain", "AI/ML", "description", "test",
            "scope", Map.of("editable", List.of("train.py", "src/**"), "readonly", List.of("src/data/**")),
            "metrics", Map.of("primary", Map.of("name", "val_loss")),
            "evaluate", Map.of("command", "python evaluate.py --fast", "setup", "sh ./prepare.sh")), "helix.yaml", p -> 0);

    private final List<String> tracked = List.of("train.py", "evaluate.py", "prepare.sh", "helix.yaml", "uv.lock",
            "src/model.py", "src/data/loader.py", "README.md");

    @Test
    void protectsTheSpecTheEvaluationsFilesAndLockFiles() {
        assertThat(ScopeGuard.protectedFiles(spec, "helix.yaml", tracked))
                .containsExactlyInAnyOrder("helix.yaml", "evaluate.py", "prepare.sh", "uv.lock");
    }

    @Test
    void theProgramTheEvaluationRunsIsEditableOnlyWhenListedByName() {
        Spec byName = SpecReader.read(Map.of("name", "t", "domain", "AI/ML", "description", "test",
                "scope", Map.of("editable", List.of("train.py")),
                "metrics", Map.of("primary", Map.of("name", "val_loss")),
                "evaluate", Map.of("command", "uv run train.py")), "helix.yaml", p -> 0);
        assertThat(ScopeGuard.protectedFiles(byName, "helix.yaml", List.of("train.py", "uv.lock")))
                .containsExactlyInAnyOrder("helix.yaml", "uv.lock");
        Spec byGlob = SpecReader.read(Map.of("name", "t", "domain", "AI/ML", "description", "test",
                "scope", Map.of("editable", List.of("*.py")),
                "metrics", Map.of("primary", Map.of("name", "val_loss")),
                "evaluate", Map.of("command", "python evaluate.py")), "helix.yaml", p -> 0);
        assertThat(ScopeGuard.protectedFiles(byGlob, "helix.yaml", List.of("evaluate.py", "model.py")))
                .containsExactlyInAnyOrder("helix.yaml", "evaluate.py");
    }

    @Test
    void editableFilesPassEverythingElseIsAViolationWithItsReason() {
        Set<String> guarded = ScopeGuard.protectedFiles(spec, "helix.yaml", tracked);
        assertThat(ScopeGuard.check(List.of("train.py", "src/model.py", "src/new.py"), spec.scope(), guarded)).isEmpty();
        assertThat(ScopeGuard.check(List.of("README.md", "src/data/loader.py", "evaluate.py", "train.py"), spec.scope(), guarded))
                .containsExactly(
                        new ScopeGuard.Violation("README.md", "not in scope.editable"),
                        new ScopeGuard.Violation("evaluate.py", ScopeGuard.PROTECTED),
                        new ScopeGuard.Violation("src/data/loader.py", "readonly"));
    }

    @Test
    void aChangedHashIsTampering() {
        assertThat(ScopeGuard.tampered(Map.of("a", "1", "b", "2"), Map.of("a", "1", "b", "3")))
                .extracting(ScopeGuard.Violation::path).containsExactly("b");
    }
}
