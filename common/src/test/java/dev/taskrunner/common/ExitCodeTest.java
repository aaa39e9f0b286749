package dev.taskrunner.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

  @Test
  void numbersAreTheDocumentedTable() {
    Map<String, Integer> table = new LinkedHashMap<>();
    Arrays.stream(ExitCode.values()).forEach(c -> table.put(c.name(), c.code()));
    assertThat(table)
        .containsExactly(
            Map.entry("SUCCESS", 0),
            Map.entry("FAILED", 1),
            Map.entry("USAGE", 2),
            Map.entry("PARTIAL", 3),
            Map.entry("FINDINGS", 4),
            Map.entry("INTERRUPTED", 130),
            Map.entry("TERMINATED", 143));
  }

  @Test
  void worstFoldsPerItemOutcomes() {
    assertThat(ExitCode.SUCCESS.worst(ExitCode.FINDINGS)).isEqualTo(ExitCode.FINDINGS);
    assertThat(ExitCode.PARTIAL.worst(ExitCode.FINDINGS)).isEqualTo(ExitCode.PARTIAL);
    assertThat(ExitCode.FAILED.worst(ExitCode.PARTIAL)).isEqualTo(ExitCode.FAILED);
    assertThat(ExitCode.SUCCESS.worst(ExitCode.SUCCESS)).isEqualTo(ExitCode.SUCCESS);
  }

  @Test
  void codeLookupRoundTrips() {
    for (ExitCode c : ExitCode.values()) {
      assertThat(ExitCode.of(c.code())).isEqualTo(c);
    }
  }
}
