package dev.taskrunner.certcheck.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Days left do not depend on the time zone (ssl-cert-check compares the local date with the GMT
 * notAfter date; check_ssl_cert#375; monitoring-plugins#860).
 */
class TimeZoneIndependenceTest {
  // 23:30 on 1 March in Los Angeles is 07:30Z on 2 March.
  static final Instant NOW = Instant.parse("2026-03-02T07:30:00Z");

  static final Issued CA = TestPki.root("TZ CA", NOW, 5);
  static final Issued X =
      TestPki.cert("CN=x")
          .validity(NOW.minus(Duration.ofDays(30)), Instant.parse("2026-03-02T00:00:00Z"))
          .signedBy(CA);
  static final Issued Y =
      TestPki.cert("CN=y")
          .validity(NOW.minus(Duration.ofDays(30)), Instant.parse("2026-03-02T12:00:00Z"))
          .signedBy(CA);

  static List<TargetResult> evaluateIn(String zone) {
    TimeZone saved = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone(zone));
      // The clock carries the zone too, as a pod's would; only its instant may matter.
      ChainEvaluator e =
          new ChainEvaluator(
              Clock.fixed(NOW, ZoneId.of(zone)),
              Thresholds.defaults(),
              TrustStore.of(false, List.of()));
      return List.of(
          e.evaluateBundle(new TargetId("x", "file", ""), List.of(X.cert()), Map.of(), 0),
          e.evaluateBundle(new TargetId("y", "file", ""), List.of(Y.cert()), Map.of(), 0));
    } finally {
      TimeZone.setDefault(saved);
    }
  }

  @Test
  @DisplayName("frozen near midnight in Los Angeles and in Tokyo: identical results")
  void sameResultsInFarApartZones() {
    List<TargetResult> la = evaluateIn("America/Los_Angeles");
    List<TargetResult> tokyo = evaluateIn("Asia/Tokyo");

    assertThat(la).isEqualTo(tokyo);
    TargetResult x = la.get(0);
    TargetResult y = la.get(1);
    assertThat(x.status()).isEqualTo(Status.EXPIRED);
    assertThat(x.secondsLeft()).isEqualTo(-27_000);
    assertThat(x.daysLeft()).isEqualTo(-1);
    assertThat(y.status()).isEqualTo(Status.CRIT);
    assertThat(y.secondsLeft()).isEqualTo(16_200);
    assertThat(y.daysLeft()).isZero();
    assertThat(y.notAfter().toString()).isEqualTo("2026-03-02T12:00:00Z");
  }
}
