package dev.taskrunner.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {

  @ParameterizedTest
  @CsvSource({
    "30d, 2592000",
    "12h, 43200",
    "90s, 90",
    "1h30m, 5400",
    "2w, 1209600",
    "PT10S, 10",
    "0s, 0"
  })
  void parsesUnitsAndIso(String text, long seconds) {
    assertThat(DurationParser.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"250ms"})
  void parsesMillis(String text) {
    assertThat(DurationParser.parse(text)).isEqualTo(Duration.ofMillis(250));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "30",
        "d",
        "30x",
        "-5s",
        "1.5h",
        "30 d",
        "s30",
        "PTXS",
        "99999999999999999d"
      })
  void rejectsMalformedWithTheInputInTheMessage(String text) {
    assertThatThrownBy(() -> DurationParser.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageFindingMatch("duration");
  }
}
