package dev.taskrunner.cleanup.rule;

/**
 * What happens to symbolic links met in the tree ({@code --symlinks}). Links are never followed.
 */
public enum SymlinkPolicy {
  /** Keep every link (counted as skipped {@code not_regular}). */
  IGNORE,
  /**
   * Remove the link entry itself when the link's own lstat time is old; the target is untouched.
   */
  DELETE_IF_OLD
}
