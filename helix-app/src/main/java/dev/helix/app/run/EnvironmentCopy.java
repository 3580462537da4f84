package dev.helix.app.run;

import dev.helix.adapters.store.EnvironmentFile;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Environment;
import dev.helix.core.port.Repository;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The environment records a session branch carries beside its ledger copy: environments.jsonl at
 * the branch's root, the lines of .helix/environments.jsonl that belong to its sessions. A clone of
 * the branch (or the branch it was merged into) can then say where its results were measured.
 * Branches of an older Helix have no such file; everything reads them as before.
 */
public final class EnvironmentCopy {
    /** The file's name on a branch, the same as in .helix. */
    public static final String FILE = EnvironmentFile.NAME;

    private EnvironmentCopy() {}

    /** The records of sessions {@code tags} in the repository's .helix/environments.jsonl, in the order written. */
    public static List<Environment> of(Workspace workspace, Collection<String> tags) {
        return EnvironmentFile.in(workspace.helixDir()).read().stream().filter(e -> tags.contains(e.tag())).toList();
    }

    /** The records committed at {@code commit} (a commit or a ref); none when it has no such file or not Helix's. */
    public static List<Environment> at(Repository git, Path repo, String commit) {
        if (git.resolve(repo, commit).isEmpty()) return List.of();
        return git.fileAt(repo, commit, FILE).filter(EnvironmentFile::isHelixFile).map(EnvironmentFile::parse).orElse(List.of());
    }

    /** Each record of {@code first}, then those of {@code more} not among them. */
    @SafeVarargs
    public static List<Environment> union(List<Environment> first, List<Environment>... more) {
        LinkedHashSet<Environment> all = new LinkedHashSet<>(first);
        for (List<Environment> m : more) all.addAll(m);
        return List.copyOf(all);
    }

    /**
     * Writes {@code records} as {@code directory}'s environments.jsonl and says whether it did: not
     * when there are none (a session of an older Helix), and never over a file of the user's of
     * that name (one whose lines are not environment records).
     */
    public static boolean publish(List<Environment> records, Path directory) {
        if (records.isEmpty()) return false;
        Path file = directory.resolve(FILE);
        if (Files.isSymbolicLink(file)) return false;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Workspace.readIfExists(file).map(EnvironmentFile::isHelixFile).orElse(false)) {
            return false;
        }
        EnvironmentFile.publish(records, file);
        return true;
    }

    /**
     * Writes {@code records} as {@code directory}'s environments.jsonl whatever is there (a merge in
     * progress, whose file was checked to be Helix's before it began); not when there are none.
     */
    public static boolean replace(List<Environment> records, Path directory) {
        if (records.isEmpty()) return false;
        EnvironmentFile.publish(records, directory.resolve(FILE));
        return true;
    }

    /** The ledger files a branch's ledger commit holds, with environments.jsonl when {@code withEnvironment}. */
    public static List<String> files(List<String> ledgerFiles, boolean withEnvironment) {
        List<String> files = new ArrayList<>(ledgerFiles);
        if (withEnvironment) files.add(FILE);
        return files;
    }

    /**
     * The records of session {@code tag}: from .helix, else those its branch carries (local, or
     * origin's in a clone), else the checked-out branch's (the session merged into it).
     */
    public static List<Environment> recorded(Workspace workspace, String tag) {
        List<Environment> local = of(workspace, List.of(tag));
        if (!local.isEmpty()) return local;
        for (String ref : List.of("refs/heads/helix/" + tag, "refs/remotes/origin/helix/" + tag, "HEAD")) {
            List<Environment> carried = at(workspace.git(), workspace.repo(), ref).stream().filter(e -> e.tag().equals(tag)).toList();
            if (!carried.isEmpty()) return carried;
        }
        return List.of();
    }
}
