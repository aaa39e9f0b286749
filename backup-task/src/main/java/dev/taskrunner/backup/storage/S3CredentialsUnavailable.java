package dev.taskrunner.backup.storage;

import java.util.Optional;

/**
 * The S3 client found no credentials. {@link #configured()} tells the two cases apart: no source
 * configured at all (a configuration error, exit 2) or a configured source that failed, such as a
 * web identity token whose STS call did not get through (worth a retry, exit 1).
 */
public final class S3CredentialsUnavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean configured;

  S3CredentialsUnavailable(boolean configured, String message, Throwable cause) {
    super(message, cause);
    this.configured = configured;
  }

  /** True when a credential source was configured and failed; false when there was none. */
  public boolean configured() {
    return configured;
  }

  /** This failure in {@code failure}'s cause chain, if it is there. */
  public static Optional<S3CredentialsUnavailable> in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof S3CredentialsUnavailable u) {
        return Optional.of(u);
      }
    }
    return Optional.empty();
  }
}
