package dev.taskrunner.certcheck.report;

import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.common.ExitCode;

/**
 * How a run's results become an exit code.
 *
 * <p>{@code standard} (the shared table): 4 when any target is at WARN or worse (findings win over
 * scan failures, so an expired certificate is never hidden behind an unreachable neighbour); else 3
 * when any target could not be checked (unreachable, timeout, unreadable file); else 0. Exit 1 is
 * left to the launcher for unexpected failures of the task itself.
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
      return ExitCode.PARTIAL;
    }
    return ExitCode.SUCCESS;
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
