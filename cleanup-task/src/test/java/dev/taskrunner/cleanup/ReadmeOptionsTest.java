package dev.taskrunner.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.config.EnvironmentDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Keeps the README's cleanup-task options table in step with the command's options (--help). */
class ReadmeOptionsTest {
  private static final TaskLauncher.Task TASK = new TaskLauncher.Task("cleanup", "CLEANUP_");
  private static final Pattern TABLE_FLAG =
      Pattern.compile("^\\| `(--[a-z0-9-]+)", Pattern.MULTILINE);

  private static String section() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("\n## cleanup-task\n");
    assertThat(start).as("README has a '## cleanup-task' section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    return end < 0 ? readme.substring(start) : readme.substring(start, end);
  }

  private static List<OptionSpec> taskOptions() {
    CommandLine cl = TaskLauncher.commandLine(TASK, new CleanupCommand(), Map.of());
    Set<OptionSpec> common = Set.copyOf(cl.getCommandSpec().mixins().get("common").options());
    List<OptionSpec> out = new ArrayList<>();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp() && !o.hidden() && !common.contains(o)) {
        out.add(o);
      }
    }
    return out;
  }

  @Test
  void everyOptionAndItsVariableIsInTheReadmeTable() throws Exception {
    String section = section();
    EnvironmentDefaults env = new EnvironmentDefaults(TASK.envPrefix(), Map.of());
    for (OptionSpec o : taskOptions()) {
      assertThat(section).as("README row for " + o.longestName()).contains("| `" + o.longestName());
      for (String var : env.envNames(o)) {
        assertThat(section).as("README names " + var).contains("`" + var + "`");
      }
    }
  }

  @Test
  void theReadmeTableHasNoOptionTheCommandLacks() throws Exception {
    Set<String> known =
        taskOptions().stream().map(OptionSpec::longestName).collect(Collectors.toSet());
    Matcher m = TABLE_FLAG.matcher(section());
    List<String> documented = new ArrayList<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).isNotEmpty();
    assertThat(known).containsAll(documented);
  }
}
