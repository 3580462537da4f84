package dev.helix.adapters.process;

import dev.helix.core.port.Confinement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The sandbox of a session's processes, by bubblewrap: the whole file system as it is (HOME,
 * /tmp, devices, the network, the same process ids), except that the repository (and its other
 * checkouts) is read-only,
 * its {@code .helix/} is an empty tmpfs, the hold-out's directories are empty tmpfs, and only the
 * worktree the process runs in (and the files it is given) can be written.
 *
 * <p>No namespace but the mount one and a user one is made: the process ids, process groups,
 * environment markers and subreaper that find and stop an evaluation's processes see the confined
 * ones as they see any other. The user namespace and dropping every capability hold when Helix
 * runs as root too ({@link #ISOLATION}).
 * {@code --die-with-parent}: when whoever started bubblewrap dies, the confined command dies too.
 *
 * <p>Git keeps working inside: status, diff, log and show read the shared git directory, and the
 * worktree's own admin directory ({@code .git/worktrees/NAME}: its index) is writable. Its
 * {@code HEAD}, {@code commondir}, {@code gitdir} and {@code config.worktree}, and the worktree's
 * {@code .git} file, are not: each would point git, as Helix runs it outside the sandbox, at a
 * branch, repository or configuration of the proposer's making.
 *
 * @param bwrap the bubblewrap program
 * @param repo the repository's top level (its main checkout)
 * @param commonDir the shared git directory
 * @param helixDir the repository's {@code .helix/}
 * @param hidden directories whose content no confined process may see (the hold-out's data), with
 *     whatever their links lead to ({@link Reached})
 */
public record Bubblewrap(Path bwrap, Path repo, Path commonDir, Path helixDir, List<Path> hidden) implements Confinement {

    /**
     * The files of a worktree's admin directory that would redirect git: bound read-only. HEAD
     * too: Helix commits and resets in the worktree through it, so a HEAD pointed at one of the
     * user's branches would have Helix move that branch.
     */
    static final List<String> PINNED_ADMIN_FILES = List.of("commondir", "gitdir", "config.worktree", "HEAD");

    /**
     * A user namespace of its own and no capability, as root too: bubblewrap run by root keeps
     * every capability in the caller's user namespace, so the confined process could unmount the
     * tmpfs over .helix/, remount the repository writable, or open the machine's unconfined file
     * system through {@code /proc/<pid>/root} of any process outside the sandbox (Helix's own).
     */
    static final List<String> ISOLATION = List.of("--unshare-user", "--cap-drop", "ALL");

    public Bubblewrap {
        Objects.requireNonNull(bwrap);
        repo = real(repo);
        commonDir = real(commonDir);
        helixDir = real(helixDir);
        Path top = repo;
        hidden = hidden.stream().flatMap(h -> Reached.through(real(h), top).stream()).distinct().toList();
    }

    @Override
    public List<String> wrap(List<String> argv, Path workdir, Reach reach) {
        Path dir = real(workdir);
        Path worktree = worktreeOf(dir);
        List<String> a = new ArrayList<>(List.of(bwrap.toString(), "--die-with-parent"));
        a.addAll(ISOLATION);
        a.addAll(List.of("--dev-bind", "/", "/"));
        roBind(a, repo);
        if (!commonDir.startsWith(repo)) roBind(a, commonDir);
        for (Path checkout : otherCheckouts()) roBind(a, checkout);
        // after the repository's bind, which would show again one of them that lies inside it
        for (Path h : hidden) {
            if (Files.isDirectory(h)) add(a, "--tmpfs", h);
            else if (Files.isRegularFile(h)) add(a, "--ro-bind", Path.of("/dev/null"), h); // a linked file: empty in here
        }
        bind(a, worktree);
        if (commonDir.startsWith(worktree)) roBind(a, commonDir); // the worktree is the main checkout (helix try)
        if (Files.isDirectory(helixDir)) add(a, "--tmpfs", helixDir);
        if (worktree.startsWith(helixDir) || hidden.stream().anyMatch(worktree::startsWith)) bind(a, worktree);
        adminDir(worktree).ifPresent(admin -> {
            bind(a, admin);
            // made empty when missing (as git would), so that it can be pinned: created inside, it
            // would configure the worktree where the repository enables extensions.worktreeConfig
            createIfMissing(admin.resolve("config.worktree"));
            for (String name : PINNED_ADMIN_FILES) roBind(a, admin.resolve(name));
        });
        Path dotGit = worktree.resolve(".git");
        if (Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) roBind(a, dotGit);
        for (Path r : reach.readable()) roBind(a, real(r));
        for (Path w : reach.writable()) bind(a, real(w));
        a.addAll(List.of("--chdir", dir.toString(), "--"));
        a.addAll(argv);
        return List.copyOf(a);
    }

    @Override
    public boolean confines() {
        return true;
    }

    @Override
    public String describe() {
        return "bubblewrap";
    }

    /**
     * The repository's checkouts besides {@code repo}, outside {@code .helix/}: the main one (where
     * {@code repo} is a linked worktree) and the user's other linked worktrees, which share the git
     * directory and are the user's files as much as {@code repo} is.
     */
    List<Path> otherCheckouts() {
        List<Path> out = new ArrayList<>();
        if (commonDir.getFileName() != null && commonDir.getFileName().toString().equals(".git")) out.add(commonDir.getParent());
        try (var admins = Files.list(commonDir.resolve("worktrees"))) {
            for (Path admin : admins.toList()) {
                try {
                    Path dotGit = Path.of(Files.readString(admin.resolve("gitdir"), StandardCharsets.UTF_8).strip());
                    if (dotGit.getParent() != null) out.add(real(dotGit.getParent()));
                } catch (IOException | RuntimeException e) {
                    // a worktree git no longer knows the place of: nothing to protect there
                }
            }
        } catch (IOException e) {
            // no linked worktrees
        }
        // an ancestor of repo stays in: repo and the worktree are bound after it
        return out.stream().filter(c -> !c.equals(repo) && !c.startsWith(helixDir)).toList();
    }

    /** The worktree holding {@code dir}: the nearest directory, {@code dir} itself included, with a {@code .git}. */
    static Path worktreeOf(Path dir) {
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) return d;
        }
        return dir;
    }

    /** The worktree's admin directory under the shared git directory, from its {@code .git} file; empty for the main checkout. */
    java.util.Optional<Path> adminDir(Path worktree) {
        Path dotGit = worktree.resolve(".git");
        if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) return java.util.Optional.empty();
        try {
            String line = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
            if (!line.startsWith("gitdir:")) return java.util.Optional.empty();
            Path admin = real(worktree.resolve(line.substring("gitdir:".length()).strip()));
            // only an admin directory of this repository's: the file is the proposer's to write until it is bound
            return admin.startsWith(commonDir.resolve("worktrees")) && Files.isDirectory(admin, LinkOption.NOFOLLOW_LINKS)
                    ? java.util.Optional.of(admin) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static void createIfMissing(Path file) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) Files.createFile(file);
        } catch (IOException e) {
            // unpinned then, and the snapshot around each proposal is what is left
        }
    }

    private static void bind(List<String> a, Path p) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) add(a, "--bind", p, p);
    }

    private static void roBind(List<String> a, Path p) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) add(a, "--ro-bind", p, p);
    }

    private static void add(List<String> a, String option, Path... paths) {
        a.add(option);
        for (Path p : paths) a.add(p.toString());
    }

    /** The path with its links resolved, as the mount table has it; as given when it does not exist. */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            Path parent = abs.getParent();
            return parent == null || parent.equals(abs) ? abs : real(parent).resolve(abs.getFileName());
        }
    }
}
