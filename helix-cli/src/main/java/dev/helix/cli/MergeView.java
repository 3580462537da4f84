package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.helix.app.merge.SessionMerge;

/**
 * What a merge of a session did: {@code status} is "merged" (with the merge commit, the files it
 * changed besides the ledger's and the ledger rows it added) or "already_merged" (nothing done).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record MergeView(String session, String branch, String status, String commit, Integer files, Integer rows) {

    static MergeView of(SessionMerge.Result result) {
        return switch (result) {
            case SessionMerge.Merged m -> new MergeView(m.session(), m.branch(), "merged", m.commit(), m.files(), m.rows());
            case SessionMerge.AlreadyMerged a -> new MergeView(a.session(), a.branch(), "already_merged", null, null, null);
        };
    }

    /** One line: the merge commit, or that there was nothing to do. */
    static String text(SessionMerge.Result result) {
        return switch (result) {
            case SessionMerge.Merged m -> "merged helix/" + m.session() + " into " + m.branch() + " as " + m.commit().substring(0, 7)
                    + ": " + m.files() + " file(s), and " + m.rows() + " ledger row(s) into experiments.jsonl and experiments.tsv";
            case SessionMerge.AlreadyMerged a -> "helix/" + a.session() + " is already merged into " + a.branch() + ": nothing to do";
        };
    }
}
