package dev.taskrunner.certcheck.result;

import java.time.Duration;
import java.time.Instant;

/**
 * When a valid certificate becomes WARN or CRIT.
 *
 * @param warn remaining time at which WARN starts (default 28 days); ignored when {@code
 *     warnPercent} is set
 * @param crit remaining time at which CRIT starts (default 14 days); ignored when {@code
 *     critPercent} is set
 * @param warnPercent when not null, WARN starts when less than this percentage of the limiting
 *     certificate's lifetime remains (for short-lived certificates)
 * @param critPercent same for CRIT
 */
public record Thresholds(Duration warn, Duration crit, Double warnPercent, Double critPercent) {

  /** The defaults: 28 days and 14 days, as x509-certificate-exporter's chart alerts use. */
  public static Thresholds defaults() {
    return new Thresholds(Duration.ofDays(28), Duration.ofDays(14), null, null);
  }

  /** Classifies a certificate that is currently valid. */
  public Status classify(Instant notBefore, Instant notAfter, long secondsLeft) {
    long lifetime = Math.max(1, Duration.between(notBefore, notAfter).toSeconds());
    if (secondsLeft < limit(crit, critPercent, lifetime)) {
      return Status.CRIT;
    }
    if (secondsLeft < limit(warn, warnPercent, lifetime)) {
      return Status.WARN;
    }
    return Status.OK;
  }

  private static double limit(Duration fixed, Double percent, long lifetimeSeconds) {
    return percent != null ? lifetimeSeconds * percent / 100.0 : fixed.toSeconds();
  }
}
