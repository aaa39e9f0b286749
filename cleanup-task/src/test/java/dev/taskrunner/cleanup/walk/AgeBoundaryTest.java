package dev.taskrunner.cleanup.walk;

import static dev.taskrunner.cleanup.walk.WalkFixture.file;
import static dev.taskrunner.cleanup.walk.WalkFixture.walk;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.cleanup.report.CleanupStats;
import dev.taskrunner.cleanup.rule.AgeRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The boundary table of {@code --older-than 30d} on real files, strict and {@code --find-compat},
 * with "now" right after a DST switch in New York: the outcome is the same under every time zone
 * because the rule is plain arithmetic on instants (logrotate#514, curator#505).
 */
class AgeBoundaryTest {
  private static final Duration D30 = Duration.ofDays(30);
  private static final Duration SECOND = Duration.ofSeconds(1);

  /** name -> age at "now". */
  private static final Map<String, Duration> AGES = new LinkedHashMap<>();

  static {
    AGES.put("30d-1s", D30.minus(SECOND));
    AGES.put("30d", D30);
    AGES.put("30d+1s", D30.plus(SECOND));
    AGES.put("31d-1s", D30.plusDays(1).minus(SECOND));
    AGES.put("31d", D30.plusDays(1));
  }

  @TempDir Path tmp;

  @ParameterizedTest(name = "now = {0}")
  @ValueSource(strings = {"2024-03-10T12:00:00Z", "2024-11-03T12:00:00Z", "2025-01-15T05:30:00Z"})
  @DisplayName("logrotate#514: 30 d - 1 s .. 31 d, strict and find-compat, UTC = America/New_York")
  void boundaryTable(String nowText) throws Exception {
    Instant now = Instant.parse(nowText);
    Map<String, Map<Boolean, List<String>>> byZone = new LinkedHashMap<>();
    TimeZone original = TimeZone.getDefault();
    try {
      for (String zone : List.of("UTC", "America/New_York")) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        Map<Boolean, List<String>> survivors = new LinkedHashMap<>();
        for (boolean findCompat : List.of(false, true)) {
          Path root =
              Files.createDirectories(tmp.resolve(zone.replace('/', '_') + "-" + findCompat));
          for (Map.Entry<String, Duration> e : AGES.entrySet()) {
            file(root.resolve(e.getKey()), FileTime.from(now.minus(e.getValue())));
          }
          CleanupStats stats =
              walk(WalkSettings.defaults(new AgeRule(D30, findCompat, now)), WalkSeams.NONE, root);
          assertThat(stats.failingErrors()).isZero();
          try (Stream<Path> left = Files.list(root)) {
            survivors.put(
                findCompat,
                List.copyOf(
                    left.map(p -> p.getFileName().toString())
                        .collect(java.util.stream.Collectors.toCollection(TreeSet::new))));
          }
        }
        byZone.put(zone, survivors);
      }
    } finally {
      TimeZone.setDefault(original);
    }
    // Strict: now - mtime > 30 d. find -mtime +30: floor(age / 24 h) > 30, i.e. age >= 31 d.
    assertThat(byZone.get("UTC").get(false)).containsExactly("30d", "30d-1s");
    assertThat(byZone.get("UTC").get(true)).containsExactly("30d", "30d+1s", "30d-1s", "31d-1s");
    assertThat(byZone.get("America/New_York")).isEqualTo(byZone.get("UTC"));
  }
}
