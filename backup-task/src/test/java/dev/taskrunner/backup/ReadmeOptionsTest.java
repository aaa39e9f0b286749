package dev.taskrunner.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.testing.ReadmeOptions;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/** Keeps the README's backup-task options table in step with the command's options (--help). */
class ReadmeOptionsTest {
  private static final TaskLauncher.Task TASK = new TaskLauncher.Task("backup", "BACKUP_");

  @Test
  void everyOptionIsInTheReadmeWithItsVariable() {
    ReadmeOptions.assertDocumented(TASK, new BackupCommand(), "backup-task", false);
  }

  @Test
  void everyFlagInTheReadmeTableExists() {
    Set<String> flags =
        TaskLauncher.commandLine(TASK, new BackupCommand(), Map.of())
            .getCommandSpec()
            .options()
            .stream()
            .map(OptionSpec::longestName)
            .collect(Collectors.toSet());
    Matcher row =
        Pattern.compile("^\\| `(--[a-z0-9-]+)`", Pattern.MULTILINE)
            .matcher(ReadmeOptions.section("backup-task"));
    int rows = 0;
    while (row.find()) {
      rows++;
      assertThat(flags).as("README row %s is an option", row.group(1)).contains(row.group(1));
    }
    assertThat(rows).isGreaterThan(30);
  }
}
