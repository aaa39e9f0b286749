package dev.taskrunner.common;

/**
 * The one exit-code table of every task (README "Exit codes"). Kubernetes {@code podFailurePolicy}
 * rules key on these numbers, so changing one is a breaking change.
 */
public enum ExitCode {
  /** The task did everything it was asked to do. */
  SUCCESS(0, "success"),
  /** Runtime error or remote failure after retries; the Job may retry. */
  FAILED(1, "failed"),
  /** Bad flag, missing secret, unsafe root, version mismatch; retrying cannot help. */
  USAGE(2, "usage_error"),
  /** The task ran but some items failed (an unreadable directory, one of several databases). */
  PARTIAL(3, "partial"),
  /** The task ran and found what it exists to report (certificates past a threshold). */
  FINDINGS(4, "findings"),
  /** Stopped by SIGINT after a clean shutdown. */
  INTERRUPTED(130, "interrupted"),
  /** Stopped by SIGTERM after a clean shutdown. */
  TERMINATED(143, "terminated");

  private final int code;
  private final String label;

  ExitCode(int code, String label) {
    this.code = code;
    this.label = label;
  }

  public int code() {
    return code;
  }

  /** Stable lower-case name used in logs ({@code status} field). */
  public String label() {
    return label;
  }

  public boolean isSuccess() {
    return this == SUCCESS;
  }

  /** The worse of two outcomes, so a task can fold per-item results into one exit code. */
  public ExitCode worst(ExitCode other) {
    return severity() >= other.severity() ? this : other;
  }

  private int severity() {
    return switch (this) {
      case SUCCESS -> 0;
      case FINDINGS -> 1;
      case PARTIAL -> 2;
      case FAILED -> 3;
      case USAGE -> 4;
      case INTERRUPTED, TERMINATED -> 5;
    };
  }

  public static ExitCode of(int code) {
    for (ExitCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("no exit code " + code);
  }
}
