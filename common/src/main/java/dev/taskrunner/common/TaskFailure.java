package dev.taskrunner.common;

/**
 * A failure the task understands: it carries the exit code and a short machine-readable reason
 * ({@code version_mismatch}, {@code unsafe_root}, ...). The launcher logs it as one line without a
 * stack trace, since the message already says what went wrong.
 */
public class TaskFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;
  private final String reason;

  public TaskFailure(ExitCode exitCode, String reason, String message) {
    super(message);
    this.exitCode = exitCode;
    this.reason = reason;
  }

  public TaskFailure(ExitCode exitCode, String reason, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.reason = reason;
  }

  public static TaskFailure usage(String reason, String message) {
    return new TaskFailure(ExitCode.USAGE, reason, message);
  }

  public static TaskFailure failed(String reason, String message, Throwable cause) {
    return new TaskFailure(ExitCode.FAILED, reason, message, cause);
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public String reason() {
    return reason;
  }
}
