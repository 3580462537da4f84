package dev.helix.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Input that cannot be used, with every problem found in it (not just the first). */
public final class SpecException extends RuntimeException {
    private final transient List<Problem> problems;

    public SpecException(List<Problem> problems) {
        super(problems.stream().map(Problem::render).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public SpecException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }
}
