package dev.helix.core.experiment;

/** Size of a change: files touched, lines added and removed. */
public record DiffStat(int files, int added, int removed) {
    public static final DiffStat NONE = new DiffStat(0, 0, 0);

    /** Lines added minus lines removed: negative when the change deletes code. */
    public int net() {
        return added - removed;
    }
}
