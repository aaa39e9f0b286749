package dev.taskrunner.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.TaskCommand;
import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.config.EnvironmentDefaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps the README's option tables in step with the code: every option a command has must appear in
 * the named README section with its flag and its environment variable, so a newcomer finds any
 * option in one step and a renamed option cannot leave stale documentation behind.
 */
public final class ReadmeOptions {
  private ReadmeOptions() {}

  /** The text of the README section under {@code ## heading}, up to the next {@code ## }. */
  public static String section(String heading) {
    String readme = readme();
    String start = "\n## " + heading + "\n";
    int from = readme.indexOf(start);
    assertThat(from).as("README.md has a section '## %s'", heading).isNotNegative();
    int to = readme.indexOf("\n## ", from + start.length());
    return readme.substring(from, to < 0 ? readme.length() : to);
  }

  /**
   * Asserts that every option of the task's command (the shared ones excluded, they are in the
   * "Configuration (all tasks)" section) is in the section as {@code `--flag`} and {@code `ENV`}.
   */
  public static void assertDocumented(
      TaskLauncher.Task task, TaskCommand command, String heading, boolean includeShared) {
    CommandLine cl = TaskLauncher.commandLine(task, command, Map.of());
    EnvironmentDefaults env = new EnvironmentDefaults(task.envPrefix(), Map.of());
    String text = section(heading);
    for (OptionSpec option : cl.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp() || option.hidden()) {
        continue;
      }
      boolean shared = cl.getCommandSpec().mixins().get("common").options().contains(option);
      if (shared != includeShared) {
        continue;
      }
      assertThat(text)
          .as("README section '%s' documents %s", heading, option.longestName())
          .contains("`" + option.longestName() + "`");
      for (String name : env.envNames(option)) {
        String shown = shared ? name.replace(task.envPrefix(), "<TASK>_") : name;
        assertThat(text)
            .as("README section '%s' names the variable of %s", heading, option.longestName())
            .contains("`" + shown + "`");
      }
    }
  }

  private static String readme() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path readme = dir.resolve("README.md");
      if (Files.isRegularFile(readme) && Files.exists(dir.resolve("mvnw"))) {
        try {
          return Files.readString(readme, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalStateException("README.md not found above " + Path.of("").toAbsolutePath());
  }
}
