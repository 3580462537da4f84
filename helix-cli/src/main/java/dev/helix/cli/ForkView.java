package dev.helix.cli;

import dev.helix.app.fork.Fork;
import dev.helix.core.judge.Judge;
import java.util.List;

/** The branches {@code helix fork} created: the commit and run they start from, and their names. */
record ForkView(String from, int run, List<String> branches) {

    static ForkView of(Fork.Forked f) {
        return new ForkView(f.from().commit(), f.from().run(), f.branches());
    }

    /** One line per branch, with how to continue it. */
    static String text(Fork.Forked f) {
        String best = f.from().primary().map(Judge::fmt).orElse("-");
        return String.join("\n", f.branches().stream().map(b -> "created " + b + " at #" + f.from().run() + " (" + best
                + "): helix run --tag " + b.substring("helix/".length())).toList());
    }
}
