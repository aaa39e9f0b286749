package dev.taskrunner.certcheck.report;

import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.common.ExitCode;

/**
 * How a run's results become an exit code.
 *
 * <p>{@code standard} (the shared table): 4 when any target is at WARN or worse (findings win over
 * scan failures, so an expired certificate is never hidden behind an unreachable neighbour); else 1
 * when no target could be checked and every failure was UNREACHABLE or TIMEOUT (the scanner's own
 * network is probably down: a retry may help); else 3 when any target could not be checked (an
 * unreadable file, a wrong keystore password: a retry cannot help); else 0.
 *
 * <p>{@code nagios}: 2 when any target is CRITICAL, else 1 when any is WARNING, else 3 when any is
 * UNKNOWN, else 0 (check_ssl_cert and ssl-cert-check give the same numbers).
 */
public enum ExitCodeStyle {
  STANDARD,
  NAGIOS;

  public ExitCode exitCode(RunSummary summary) {
    if (this == NAGIOS) {
      int critical = count(summary, Status.Kind.CRITICAL);
      int warning = count(summary, Status.Kind.WARNING);
      if (critical > 0) {
        return ExitCode.USAGE; // numerically 2: Nagios CRITICAL
      }
      if (warning > 0) {
        return ExitCode.FAILED; // numerically 1: Nagios WARNING
      }
      if (summary.failures() > 0) {
        return ExitCode.PARTIAL; // numerically 3: Nagios UNKNOWN
      }
      return ExitCode.SUCCESS;
    }
    if (summary.findings() > 0) {
      return ExitCode.FINDINGS;
    }
    if (summary.failures() > 0) {
      return summary.failures() == summary.targets() && onlyNetworkFailures(summary)
          ? ExitCode.FAILED
          : ExitCode.PARTIAL;
    }
    return ExitCode.SUCCESS;
  }

  /** Every failure is UNREACHABLE or TIMEOUT: the scanner's own network may be down. */
  private static boolean onlyNetworkFailures(RunSummary summary) {
    int network =
        summary.byStatus().get(Status.UNREACHABLE) + summary.byStatus().get(Status.TIMEOUT);
    return network == summary.failures();
  }

  private static int count(RunSummary summary, Status.Kind kind) {
    int n = 0;
    for (var e : summary.byStatus().entrySet()) {
      if (e.getKey().kind() == kind) {
        n += e.getValue();
      }
    }
    return n;
  }
}
