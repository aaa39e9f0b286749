package dev.taskrunner.cleanup.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgeRuleTest {
  private static final Duration DAY = Duration.ofSeconds(86_400);

  // logrotate#514: a silent change of day rounding moved deletions by a day; pin both modes.
  @ParameterizedTest(name = "age {0} s: strict {1}, find-compat {2}")
  @CsvSource({
    "2591999, YOUNG, YOUNG", // 30 d - 1 s
    "2592000, YOUNG, YOUNG", // 30 d exactly: strict needs more than 30 d
    "2592001, OLD, YOUNG", // 30 d + 1 s
    "2678399, OLD, YOUNG", // 31 d - 1 s: find floors to 30 whole days, not > 30
    "2678400, OLD, OLD", // 31 d
  })
  void boundaryTable(long ageSeconds, Age strict, Age findCompat) {
    for (String zone : new String[] {"UTC", "America/New_York", "Europe/Berlin"}) {
      // A "now" just after a DST change in New York and Berlin: days are still 86,400 s.
      Instant now = ZonedDateTime.of(2024, 3, 31, 12, 0, 0, 0, ZoneId.of(zone)).toInstant();
      Instant t = now.minusSeconds(ageSeconds);
      assertThat(new AgeRule(DAY.multipliedBy(30), false, now).judge(t)).isEqualTo(strict);
      assertThat(new AgeRule(DAY.multipliedBy(30), true, now).judge(t)).isEqualTo(findCompat);
    }
  }

  @Test
  void nanosecondPrecisionIsStrict() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    AgeRule rule = new AgeRule(DAY, false, now);
    assertThat(rule.judge(now.minus(DAY))).isEqualTo(Age.YOUNG);
    assertThat(rule.judge(now.minus(DAY).minusNanos(1))).isEqualTo(Age.OLD);
  }

  @Test
  void futureTimestampsAreNeverOld() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(new AgeRule(Duration.ZERO, false, now).judge(now.plusSeconds(10 * 86_400)))
        .isEqualTo(Age.FUTURE);
    assertThat(new AgeRule(Duration.ZERO, false, now).judge(now)).isEqualTo(Age.YOUNG);
  }

  @Test
  void findCompatNeedsWholeDays() {
    assertThatThrownBy(() -> new AgeRule(Duration.ofHours(36), true, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole number of days");
  }
}
