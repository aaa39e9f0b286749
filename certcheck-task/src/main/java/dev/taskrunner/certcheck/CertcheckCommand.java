package dev.taskrunner.certcheck;

import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskCommand;
import dev.taskrunner.common.TaskVersion;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reports days to expiry of certificates. */
@Command(
    name = "certcheck-task",
    mixinStandardHelpOptions = true,
    versionProvider = TaskVersion.class,
    description =
        "Reports days to expiry of TLS endpoints, certificate files and Kubernetes Secrets.")
public final class CertcheckCommand implements TaskCommand {

  @Option(
      names = "--target",
      required = true,
      split = ",",
      paramLabel = "HOST:PORT",
      description = "TLS endpoint to check (repeatable; env: comma-separated).")
  List<String> targets;

  @Override
  public ExitCode run(RunContext context) {
    return ExitCode.SUCCESS;
  }
}
