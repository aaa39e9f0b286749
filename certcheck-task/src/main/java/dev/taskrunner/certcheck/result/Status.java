package dev.taskrunner.certcheck.result;

/**
 * Outcome of one target. Each status belongs to a {@link Kind}, and the kind decides the exit code
 * (see the README table): findings give 4, scan failures 3 (or 1 when nothing could be scanned).
 */
public enum Status {
  /** Every certificate on the path is valid for longer than the warning threshold. */
  OK(Kind.OK),
  /** A cert-manager Certificate that has not been issued yet (no {@code status.notAfter}). */
  PENDING(Kind.OK),
  /** The limiting certificate expires within the warning threshold, or a weakness was found. */
  WARN(Kind.WARNING),
  /** The limiting certificate expires within the critical threshold. */
  CRIT(Kind.CRITICAL),
  /** A certificate on the path has expired; {@code days_left} is negative. */
  EXPIRED(Kind.CRITICAL),
  /** A certificate on the path is not valid yet (notBefore in the future). */
  NOT_YET_VALID(Kind.CRITICAL),
  /** The chain ends at a certificate the trust store does not hold, or validation failed. */
  UNTRUSTED(Kind.CRITICAL),
  /** An issuer is missing: neither sent by the server nor in the trust store. */
  CHAIN_INCOMPLETE(Kind.CRITICAL),
  /** The leaf is not valid for the name that was checked (SNI override or host). */
  HOSTNAME_MISMATCH(Kind.CRITICAL),
  /** The per-target deadline passed; {@code phase} says where (connect, starttls, handshake). */
  TIMEOUT(Kind.UNKNOWN),
  /** No TCP connection: refused, unknown host, no route. */
  UNREACHABLE(Kind.UNKNOWN),
  /** The server declined TLS (PostgreSQL answered 'N', no STARTTLS capability). */
  TLS_NOT_SUPPORTED(Kind.UNKNOWN),
  /** Anything else that prevented a check; {@code reason} names it (not_found, bad_pem...). */
  ERROR(Kind.UNKNOWN);

  /** Severity classes, in the Nagios sense. */
  public enum Kind {
    OK,
    WARNING,
    CRITICAL,
    UNKNOWN
  }

  private final Kind kind;

  Status(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** True for statuses the task exists to report (exit code 4). */
  public boolean isFinding() {
    return kind == Kind.WARNING || kind == Kind.CRITICAL;
  }

  /** True when the target could not be checked at all. */
  public boolean isScanFailure() {
    return kind == Kind.UNKNOWN;
  }
}
