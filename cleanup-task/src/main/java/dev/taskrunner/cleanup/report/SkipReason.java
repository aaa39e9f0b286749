package dev.taskrunner.cleanup.report;

import java.util.Locale;

/** Why an entry was kept. Label values of {@code taskrunner_cleanup_skipped_total{reason}}. */
public enum SkipReason {
  /** Not past the age rule. */
  YOUNG,
  /** Matched an exclude glob, or no include glob. */
  EXCLUDED,
  /** Timestamp after the run's "now". */
  FUTURE,
  /** Socket, FIFO, device, or a symbolic link under {@code --symlinks ignore}. */
  NOT_REGULAR,
  /** Another process holds a flock/fcntl lock on it ({@code /proc/locks}). */
  LOCKED,
  /** Old when listed, young when re-checked right before unlinking (a writer touched it). */
  BECAME_YOUNG,
  /** One of the newest {@code --keep-newest} files of its directory. */
  KEEP_NEWEST,
  /** A directory on another file system (not entered). */
  MOUNT_POINT,
  /** A directory beyond {@code --max-depth} (not entered). */
  MAX_DEPTH,
  /** A directory that was not empty when {@code --remove-empty-dirs} tried it. */
  NOT_EMPTY;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
