package dev.taskrunner.certcheck.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.common.ExitCode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodeStyleTest {
  static TargetResult result(Status s) {
    return TargetResult.failure(
        new TargetId("t", "file", ""), s, "", "", "", Map.of(), 0, Instant.EPOCH);
  }

  static int standard(Status... statuses) {
    return ExitCodeStyle.STANDARD
        .exitCode(RunSummary.of(Arrays.stream(statuses).map(ExitCodeStyleTest::result).toList()))
        .code();
  }

  static int nagios(Status... statuses) {
    return ExitCodeStyle.NAGIOS
        .exitCode(RunSummary.of(Arrays.stream(statuses).map(ExitCodeStyleTest::result).toList()))
        .code();
  }

  @Test
  void standardCodes() {
    assertThat(standard(Status.OK, Status.PENDING)).isZero();
    assertThat(standard(Status.OK, Status.WARN)).isEqualTo(4);
    // An expired certificate is never hidden behind an unreachable neighbour.
    assertThat(standard(Status.EXPIRED, Status.UNREACHABLE)).isEqualTo(4);
    assertThat(standard(Status.OK, Status.TIMEOUT)).isEqualTo(3);
    assertThat(standard(Status.ERROR, Status.TIMEOUT)).isEqualTo(3);
    // Nothing reachable at all: the scanner's network is suspect, and a retry may help.
    assertThat(standard(Status.UNREACHABLE, Status.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void nagiosCodes() {
    assertThat(nagios(Status.OK)).isZero();
    assertThat(nagios(Status.OK, Status.WARN)).isEqualTo(1);
    assertThat(nagios(Status.WARN, Status.EXPIRED, Status.ERROR)).isEqualTo(2);
    assertThat(nagios(Status.OK, Status.HOSTNAME_MISMATCH)).isEqualTo(2);
    assertThat(nagios(Status.OK, Status.ERROR)).isEqualTo(3);
  }

  @Test
  void summaryCountsEveryStatus() {
    RunSummary s = RunSummary.of(List.of(result(Status.OK), result(Status.ERROR)));
    assertThat(s.byStatus()).hasSize(Status.values().length);
    assertThat(s.failures()).isEqualTo(1);
    assertThat(ExitCode.of(standard(Status.OK))).isEqualTo(ExitCode.SUCCESS);
  }
}
