package dev.taskrunner.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {

  @ParameterizedTest
  @CsvSource({
    "512MiB, 536870912",
    "2GB, 2000000000",
    "10GiB, 10737418240",
    "5kB, 5000",
    "5KiB, 5120",
    "100, 100",
    "100B, 100",
    "1.5MiB, 1572864"
  })
  void parsesDecimalAndBinaryUnits(String text, long bytes) {
    assertThat(DataSize.parse(text).bytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MiB", "12 parsecs", "-1MiB", "1e3", "99999999999TiB"})
  void rejectsMalformed(String text) {
    assertThatThrownBy(() -> DataSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
  }

  @ParameterizedTest
  @CsvSource({"536870912, 512MiB", "1000, 1000B"})
  void printsInBinaryUnits(long bytes, String text) {
    assertThat(new DataSize(bytes)).hasToString(text);
  }
}
