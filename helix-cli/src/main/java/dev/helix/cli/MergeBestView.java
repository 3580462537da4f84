package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.helix.app.merge.MergeBest;
import dev.helix.core.judge.Judge;
import java.util.ArrayList;
import java.util.List;

/** The ranking {@code helix merge-best} found, its winner and, after --apply, the commit that brought it home. */
record MergeBestView(List<MergeBest.Entry> ranking, String winner, @JsonInclude(JsonInclude.Include.NON_NULL) String commit) {

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

    /** What --apply committed, and where. */
    static String text(MergeBest.Applied a) {
        return "committed " + a.commit().substring(0, 7) + " on " + a.branch() + ": " + a.files() + " file(s) and experiments.tsv";
    }
}
