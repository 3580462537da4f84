package dev.helix.core.session;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One worker: its number (1, 2, ...), its worktree and what it explores.
 *
 * @param worktree present, at any commit (the session resets it)
 */
public record Lane(int worker, Path worktree, Optional<Direction> direction) {}
