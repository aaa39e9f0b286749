package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.testing.ReadmeOptions;
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

/** Keeps the README's certcheck-task options table in step with the command's options (--help). */
class ReadmeOptionsTest {
  private static final TaskLauncher.Task TASK = new TaskLauncher.Task("certcheck", "CERTCHECK_");
  private static final Pattern TABLE_FLAG =
      Pattern.compile("^\\| `(--[a-z0-9-]+)", Pattern.MULTILINE);

  @Test
  void everyOptionAndItsVariableIsInTheReadmeTable() {
    ReadmeOptions.assertDocumented(TASK, new CertcheckCommand(), "certcheck-task", false);
  }

  @Test
  void theReadmeTableHasNoOptionTheCommandLacks() {
    CommandLine cl = TaskLauncher.commandLine(TASK, new CertcheckCommand(), Map.of());
    Set<String> known =
        cl.getCommandSpec().options().stream()
            .map(OptionSpec::longestName)
            .collect(Collectors.toSet());
    Matcher m = TABLE_FLAG.matcher(ReadmeOptions.section("certcheck-task"));
    List<String> documented = new ArrayList<>();
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).hasSizeGreaterThan(15);
    assertThat(known).containsAll(documented);
  }
}
