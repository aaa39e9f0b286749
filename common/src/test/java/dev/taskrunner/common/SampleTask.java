package dev.taskrunner.common;

import dev.taskrunner.common.config.DataSize;
import dev.taskrunner.common.config.EnvVar;
import dev.taskrunner.common.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A task used only by tests: it exercises every launcher path (secrets, failures, signals) the way
 * a real task would, and runs as a child process through {@link #main}.
 */
@Command(name = "sample-task", mixinStandardHelpOptions = true, versionProvider = TaskVersion.class)
public final class SampleTask implements TaskCommand {
  private static final Logger LOG = LoggerFactory.getLogger(SampleTask.class);

  @Option(names = "--name", required = true, description = "A required option.")
  String name;

  @Option(names = "--wait", defaultValue = "0s", description = "How long to work.")
  Duration wait;

  @Option(names = "--chunk", defaultValue = "1MiB", description = "A size.")
  DataSize chunk;

  @EnvVar({"SAMPLE_PASSWORD", "PGPASSWORD"})
  @Option(names = "--password", description = "A secret.")
  Secret password;

  @Option(
      names = "--outcome",
      defaultValue = "success",
      description = "success|failure|crash|partial")
  String outcome;

  @Option(names = "--marker-dir", description = "Cleanup actions leave files here.")
  Path markerDir;

  @Override
  public ExitCode run(RunContext context) throws Exception {
    if (markerDir != null) {
      for (String action : new String[] {"first", "second", "third"}) {
        context
            .shutdown()
            .register(
                action,
                () -> {
                  try {
                    Files.writeString(
                        markerDir.resolve("order"),
                        action + "\n",
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
      }
    }
    String secret = password == null ? "none" : password.reveal();
    // Deliberately careless: a real task must never do this, the redactor must still catch it.
    LOG.info("working on {} with password {} and url postgres://u:{}@db/x", name, secret, secret);
    Thread.sleep(wait.toMillis());
    return switch (outcome) {
      case "failure" ->
          throw new TaskFailure(ExitCode.FAILED, "remote_error", "store said no to " + secret);
      case "crash" -> throw new IllegalStateException("boom with " + secret);
      case "partial" -> ExitCode.PARTIAL;
      case "usage" -> throw TaskFailure.usage("unsafe_root", "root / is not allowed");
      default -> ExitCode.SUCCESS;
    };
  }

  public static void main(String[] args) {
    TaskLauncher.launch(new TaskLauncher.Task("sample", "SAMPLE_"), new SampleTask(), args);
  }
}
