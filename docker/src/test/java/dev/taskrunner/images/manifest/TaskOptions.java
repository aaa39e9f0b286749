package dev.taskrunner.images.manifest;

import dev.taskrunner.images.TaskImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables a task knows, read from the "Environment" section of the built jar's
 * {@code --help} at test time, so the manifests are checked against the options as they are now,
 * not as they were when the test was written.
 */
final class TaskOptions {
  private static final Pattern ROW =
      Pattern.compile("^\\s+--\\S+\\s+(.+?)\\s+\\(or \\*_FILE\\)\\s*$");

  private TaskOptions() {}

  /** The default {@code --help} shows for an option, e.g. {@code 28d} for certcheck's --warn. */
  static String defaultOf(TaskImage task, String option) throws IOException, InterruptedException {
    Matcher m =
        Pattern.compile(
                "^\\s+" + Pattern.quote(option) + "[=\\s].*?Default: (\\S+?)\\.?$",
                Pattern.MULTILINE | Pattern.DOTALL)
            .matcher(help(task));
    if (!m.find()) {
      throw new IllegalStateException(task.module() + " --help shows no default for " + option);
    }
    return m.group(1);
  }

  static Set<String> environmentVariables(TaskImage task) throws IOException, InterruptedException {
    String help = help(task);
    Set<String> names = new LinkedHashSet<>();
    boolean inSection = false;
    for (String line : help.split("\\R")) {
      if (line.startsWith("Environment")) {
        inSection = true;
        continue;
      }
      if (inSection && line.isBlank()) {
        break;
      }
      Matcher row = ROW.matcher(line);
      if (inSection && row.matches()) {
        for (String name : row.group(1).split(",")) {
          names.add(name.strip());
        }
      }
    }
    if (names.isEmpty()) {
      throw new IllegalStateException(
          "no Environment section in " + task.jar() + " --help:\n" + help);
    }
    return names;
  }

  private static String help(TaskImage task) throws IOException, InterruptedException {
    Path jar = task.jar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the task first (docker/build.sh)");
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--help")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String help = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS)
        || process.exitValue() != 0) {
      throw new IllegalStateException(jar + " --help failed:\n" + help);
    }
    return help;
  }
}
