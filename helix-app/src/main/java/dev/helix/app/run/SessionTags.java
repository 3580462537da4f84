package dev.helix.app.run;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.session.Driver;
import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** How a session gets its tag: the one given (checked), the last one to resume, or today's date made unique. */
public final class SessionTags {
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private SessionTags() {}

    /** The tag for a new (or, with resume, an existing) session of the workspace. */
    public static String choose(Workspace workspace, Optional<String> wanted, boolean resume) {
        return choose(workspace, wanted, resume, Optional.empty());
    }

    /**
     * Like {@link #choose(Workspace, Optional, boolean)}, where a new session without --tag takes the
     * spec's own tag (run.tag; research.json's tag, autoresearch.toml's branch), then -2, -3 ... when taken.
     */
    public static String choose(Workspace workspace, Optional<String> wanted, boolean resume, Optional<String> specTag) {
        // the user's own --tag wins over the name another tool's imported history would take
        if (wanted.isPresent() && !resume) workspace.reserveTag(wanted.get());
        LedgerStore ledger = workspace.ledger();
        if (wanted.isPresent()) {
            String tag = wanted.get();
            if (!TAG.matcher(tag).matches()) {
                throw AppException.usage("bad_tag", "--tag '" + tag + "' is not a usable name",
                        "use letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            // --resume of a session that does not exist yet starts it, so a restart loop around
            // 'helix run --resume --tag T' works from the very first start.
            // A branch without records (made by helix fork) is where a new session starts.
            if (!resume && hasTag(ledger, tag)) {
                boolean agent = Driver.of(ledger.readTag(tag).experiments()) == Driver.AGENT;
                if (workspace.git().resolve(workspace.repo(), "refs/heads/helix/" + tag).isEmpty()) {
                    // records without a branch (another tool's imported history): nothing to switch to or resume
                    throw AppException.usage("tag_taken", "session '" + tag + "' already holds records (and has no branch helix/" + tag + ")",
                            "choose another --tag, e.g. --tag " + free(workspace, tag, ledger) + "; 'helix log --tag " + tag + "' shows its records");
                }
                throw AppException.usage("tag_taken", "session '" + tag + "' already exists (branch helix/" + tag + ")",
                        (agent ? "continue it with 'git switch helix/" + tag + "', then helix try -m \"<what you changed>\""
                                : "continue it with 'helix run --resume --tag " + tag + "'") + ", or choose another --tag");
            }
            return tag;
        }
        if (resume) {
            Optional<String> last = ledger.latestTag();
            return last.or(() -> workspace.git().refs(workspace.repo(), "refs/heads/helix/").stream()
                            .map(r -> r.substring("refs/heads/helix/".length())).reduce((a, b) -> b))
                    .orElseThrow(() -> AppException.usage("no_session", "there is no session to resume in " + workspace.repo(),
                            "start one with 'helix run'"));
        }
        return free(workspace, base(specTag, LocalDate.now()), ledger);
    }

    /** The name a new session without --tag starts from: the spec's own tag, else the day's ("dec6"). */
    public static String base(Optional<String> specTag, LocalDate today) {
        return specTag.orElseGet(() -> today.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT)
                + today.getDayOfMonth());
    }

    /** {@code base}, or the first of base-2, base-3 ... that no branch and no record uses. */
    public static String free(Workspace workspace, String base, LedgerStore ledger) {
        String tag = base;
        for (int i = 2; taken(workspace, tag, ledger); i++) tag = base + "-" + i;
        return tag;
    }

    private static boolean taken(Workspace workspace, String tag, LedgerStore ledger) {
        return workspace.git().resolve(workspace.repo(), "refs/heads/helix/" + tag).isPresent() || hasTag(ledger, tag);
    }

    /** Whether the ledger has a record of session {@code tag}; through the store's index, not by reading every record. */
    private static boolean hasTag(LedgerStore ledger, String tag) {
        return !ledger.readTag(tag).experiments().isEmpty();
    }
}
