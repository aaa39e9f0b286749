package dev.taskrunner.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.testing.ReadmeOptions;
import org.junit.jupiter.api.Test;

class ReadmeTest {
  private static final TaskLauncher.Task TASK = new TaskLauncher.Task("sample", "SAMPLE_");

  @Test
  void everySharedOptionIsInTheReadmeWithItsVariable() {
    ReadmeOptions.assertDocumented(TASK, new SampleTask(), "Configuration (all tasks)", true);
  }

  @Test
  void theExitCodeTableListsEveryCode() {
    String table = ReadmeOptions.section("Exit codes");
    for (ExitCode code : ExitCode.values()) {
      assertThat(table).as("exit code %s", code).containsPattern("\\b" + code.code() + "\\b");
    }
  }
}
