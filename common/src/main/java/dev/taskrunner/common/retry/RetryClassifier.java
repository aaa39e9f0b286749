package dev.taskrunner.common.retry;

/**
 * Decides whether a failure is worth another attempt. Tasks supply their own (S3 5xx and throttling
 * yes, 403 no); {@link #transientIo()} covers plain network failures.
 */
@FunctionalInterface
public interface RetryClassifier {
  boolean isRetryable(Throwable failure);

  /** Connection resets, timeouts and other I/O errors anywhere in the cause chain. */
  static RetryClassifier transientIo() {
    return failure -> {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof java.io.IOException) {
          return true;
        }
      }
      return false;
    };
  }

  default RetryClassifier or(RetryClassifier other) {
    return failure -> isRetryable(failure) || other.isRetryable(failure);
  }
}
