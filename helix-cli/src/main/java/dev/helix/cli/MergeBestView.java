package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.helix.app.merge.MergeBest;
import dev.helix.core.judge.Judge;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranking {@code helix merge-best} found, its winner and, after --apply, the merge that brought it
 * home ({@code commit} is the merge commit, absent when the winner was merged already).
 */
record MergeBestView(List<MergeBest.Entry> ranking, String winner, @JsonInclude(JsonInclude.Include.NON_NULL) String commit,
        @JsonInclude(JsonInclude.Include.NON_NULL) MergeView merge) {

    /** One line per session, best first. */
    static String text(List<MergeBest.Entry> ranking) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ranking.size(); i++) {
            MergeBest.Entry e = ranking.get(i);
            lines.add(String.format("%d. helix/%-24s #%-4d %-12s %s", i + 1, e.tag(), e.run(), Judge.fmt(e.best()),
                    e.baseline() == null ? "" : "(baseline " + Judge.fmt(e.baseline()) + ")  " + e.description()));
        }
        return String.join("\n", lines);
    }
}
