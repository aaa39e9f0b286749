package dev.taskrunner.cleanup.report;

import java.util.Locale;

/**
 * Why an operation on an entry failed. Label values of {@code taskrunner_cleanup_errors_total}.
 * Every reason except {@link #VANISHED} makes the run partial (exit 3).
 */
public enum ErrorReason {
  /** EACCES/EPERM: unreadable directory, undeletable entry. */
  PERMISSION_DENIED(true),
  /** The entry disappeared between listing and acting (another cleaner, a rotating writer). */
  VANISHED(false),
  /** A directory became a symbolic link (or a non-directory) between examination and descent. */
  SYMLINK_RACE(true),
  /** An entry's identity (device, inode, type) changed between examination and action. */
  RACE(true),
  /** EBUSY: a mount point or an entry in use by the kernel. */
  BUSY(true),
  /** Any other I/O error. */
  IO_ERROR(true);

  private final boolean failsRun;

  ErrorReason(boolean failsRun) {
    this.failsRun = failsRun;
  }

  /** True when this error makes the run partial. */
  public boolean failsRun() {
    return failsRun;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
