package dev.taskrunner.cleanup.rule;

/** Which timestamp decides a file's age ({@code --age-by}). */
public enum AgeBy {
  /** Last modification: what {@code find -mtime} uses; reading a log does not change it. */
  MTIME,
  /** Last status change: moves on chmod, rename, link count changes; never set by utime. */
  CTIME,
  /** The more recent of mtime and ctime (tmpwatch style: any sign of life keeps a file). */
  MAX
}
