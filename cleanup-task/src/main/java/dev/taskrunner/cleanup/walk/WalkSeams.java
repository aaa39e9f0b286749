package dev.taskrunner.cleanup.walk;

import java.nio.file.Path;

/**
 * Hooks at the exact windows between check and act, so tests inject races deterministically
 * (rename, symlink swap, touch) instead of sleeping. Paths are relative to the root. Production
 * uses {@link #NONE}.
 */
public interface WalkSeams {
  WalkSeams NONE = new WalkSeams() {};

  /** A subdirectory was examined (lstat) and queued; it will be opened later. */
  default void afterExamineDir(Path root, Path relative) {}

  /** Right before a queued directory is opened relative to its parent's handle. */
  default void beforeOpenDir(Path root, Path relative) {}

  /** A directory's listing is open; entries follow. */
  default void afterOpenDir(Path root, Path relative) {}

  /** An entry was selected; next: re-check relative to its directory, then unlink. */
  default void beforeRecheck(Path root, Path relative) {}

  /** Right before an empty directory is removed. */
  default void beforeRemoveDir(Path root, Path relative) {}
}
