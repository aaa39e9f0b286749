package dev.taskrunner.backup.storage;

import dev.taskrunner.common.retry.RetryClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Which S3 failures are worth another attempt: 5xx, throttling (429, SlowDown) and network errors
 * (connection reset, timeouts) yes; 4xx (403 AccessDenied, 400 validation, 404) no, since resending
 * the same request cannot change the answer.
 */
public final class S3RetryClassifier implements RetryClassifier {
  public static final S3RetryClassifier INSTANCE = new S3RetryClassifier();

  @Override
  public boolean isRetryable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof S3CredentialsUnavailable u) {
        // Nothing configured: another attempt finds nothing either.
        return u.configured();
      }
      if (t instanceof SdkServiceException s) {
        return s.statusCode() >= 500 || s.statusCode() == 429 || s.isThrottlingException();
      }
      if (t instanceof IOException || t instanceof UncheckedIOException) {
        return true;
      }
    }
    return failure instanceof SdkClientException c && c.retryable();
  }
}
