package dev.helix.core.port;

/**
 * What a path in a worktree is, looked at without following a symlink: only regular files (and
 * directories of them, and deletions) may be an experiment's change, since a symlink or a special
 * file would make the evaluation read what the commit does not hold.
 */
public sealed interface FileKind {

    /** Whether an experiment may leave this at a path it changed. */
    default boolean editable() {
        return switch (this) {
            case Regular r -> true;
            case Directory d -> true;
            case Missing m -> true;
            case Symlink s -> false;
            case Special s -> false;
        };
    }

    /** A file with content. */
    record Regular() implements FileKind {}

    /** A directory (a nested repository, which git lists as a whole). */
    record Directory() implements FileKind {}

    /** Nothing there: the change deleted it. */
    record Missing() implements FileKind {}

    /**
     * A symbolic link, here or in one of the path's parent directories.
     *
     * @param link the path of the link itself, relative to the worktree
     * @param target where it points, as written in the link
     */
    record Symlink(String link, String target) implements FileKind {}

    /** A fifo, a socket or a device. */
    record Special(String what) implements FileKind {}
}
