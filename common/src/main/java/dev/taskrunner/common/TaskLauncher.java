package dev.taskrunner.common;

import dev.taskrunner.common.config.ConfigurationException;
import dev.taskrunner.common.config.Converters;
import dev.taskrunner.common.config.EnvironmentDefaults;
import dev.taskrunner.common.config.Secret;
import dev.taskrunner.common.logging.Events;
import dev.taskrunner.common.logging.LogFormat;
import dev.taskrunner.common.logging.LoggingSetup;
import dev.taskrunner.common.logging.Redactor;
import dev.taskrunner.common.metrics.MetricsPublisher;
import dev.taskrunner.common.metrics.MetricsSettings;
import dev.taskrunner.common.metrics.RunMetrics;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import dev.taskrunner.common.shutdown.SignalTrap;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one way a task runs: parse configuration (flag &gt; env &gt; {@code *_FILE} &gt; default),
 * log the effective configuration, trap SIGTERM/SIGINT, run the task, record and push the run
 * metrics, flush the logs and exit with the code of {@link ExitCode}.
 *
 * <p>Each task's {@code main} is one line: {@code TaskLauncher.launch(new Task("cleanup",
 * "CLEANUP_"), new CleanupCommand(), args)}.
 */
public final class TaskLauncher {
  /** Set by the image build to record a JDK AOT cache: start up fully, touch no network, exit 0. */
  public static final String AOT_TRAIN_VARIABLE = "TASKRUNNER_AOT_TRAIN";

  private static final Pattern SECRET_VARIABLE =
      Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|ACCESS_KEY).*");

  /**
   * Identity of a task.
   *
   * @param name task name: {@code task} label of metrics, Pushgateway job, {@code task} log field
   * @param envPrefix prefix of the task's own environment variables, e.g. {@code CLEANUP_}
   */
  public record Task(String name, String envPrefix) {}

  private final Task task;
  private final TaskCommand command;
  private final Map<String, String> env;
  private final Clock clock;
  private final Logger log = LoggerFactory.getLogger(TaskLauncher.class);
  private final AtomicBoolean finishing = new AtomicBoolean();
  private final ShutdownCoordinator shutdown = new ShutdownCoordinator();
  private Instant launched;

  TaskLauncher(Task task, TaskCommand command, Map<String, String> env, Clock clock) {
    this.task = task;
    this.command = command;
    this.env = env;
    this.clock = clock;
  }

  /** Runs the task and exits the JVM with its exit code. Never returns. */
  public static void launch(Task task, TaskCommand command, String[] args) {
    TaskLauncher launcher = new TaskLauncher(task, command, System.getenv(), Clock.systemUTC());
    int code = launcher.execute(args);
    System.exit(code);
  }

  /** Creates the command line for a task: converters, env defaults, common options, help footer. */
  public static CommandLine commandLine(Task task, TaskCommand command, Map<String, String> env) {
    CommandLine cl = new CommandLine(command);
    CommandSpec spec = cl.getCommandSpec();
    spec.addMixin("common", CommandSpec.forAnnotatedObject(new CommonOptions()));
    Converters.register(cl);
    EnvironmentDefaults defaults = new EnvironmentDefaults(task.envPrefix(), env);
    cl.setDefaultValueProvider(defaults);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setAbbreviatedOptionsAllowed(false);
    cl.setUsageHelpWidth(100);
    cl.getHelpSectionMap()
        .put(
            CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
            help -> environmentHelp(defaults, spec));
    return cl;
  }

  int execute(String[] args) {
    launched = clock.instant();
    String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
    LoggingSetup.identify(task.name(), runId);
    registerSecretsFromEnvironment();

    CommandLine cl = commandLine(task, command, env);
    EnvironmentDefaults defaults = (EnvironmentDefaults) cl.getDefaultValueProvider();
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (Exception e) {
      // An unknown flag is usually a misspelt required one: name it, not the option it left unset.
      if (!(e instanceof CommandLine.UnmatchedArgumentException)
          && !cl.getUnmatchedArguments().isEmpty()) {
        e = new CommandLine.UnmatchedArgumentException(cl, cl.getUnmatchedArguments());
      }
      return configurationError(e, defaults, cl.getCommandSpec());
    }
    if (cl.isUsageHelpRequested()) {
      cl.usage(new PrintWriter(System.out, true));
      return ExitCode.SUCCESS.code();
    }
    if (cl.isVersionHelpRequested()) {
      cl.printVersionHelp(new PrintWriter(System.out, true));
      return ExitCode.SUCCESS.code();
    }
    CommonOptions common = (CommonOptions) cl.getCommandSpec().mixins().get("common").userObject();
    var invalid = common.invalid();
    if (invalid.isPresent()) {
      OptionSpec option = cl.getCommandSpec().findOption(invalid.get().getKey());
      return configurationError(
          new ConfigurationException(describe(option, defaults), invalid.get().getValue()),
          defaults,
          cl.getCommandSpec());
    }
    if (common.logFormat() != LogFormat.parse(env.get("LOG_FORMAT"))) {
      LoggingSetup.reconfigure(common.logFormat());
    }
    logEffectiveConfiguration(cl.getCommandSpec(), parsed, defaults, runId);

    Instant start = clock.instant();
    MetricsPublisher metrics;
    try {
      metrics = new MetricsPublisher(task.name(), common.metrics());
    } catch (IllegalArgumentException e) {
      return configurationError(
          new ConfigurationException("--metrics-label", e.getMessage()),
          defaults,
          cl.getCommandSpec());
    }
    RunContext context =
        new RunContext(
            task.name(),
            runId,
            clock,
            metrics.registry(),
            shutdown,
            common.progressInterval(),
            common.retry());

    if ("1".equals(env.get(AOT_TRAIN_VARIABLE))) {
      try {
        command.train(context);
      } catch (Exception e) {
        log.error("training run failed", e);
        return ExitCode.FAILED.code();
      }
      log.info("training run done");
      return ExitCode.SUCCESS.code();
    }

    Thread main = Thread.currentThread();
    SignalTrap.install(
        signal -> onSignal(ExitCode.of(signal), main, common.shutdownGrace(), metrics, start));

    Events.event("run.started")
        .with("version", TaskVersion.current())
        .info(log, "{} started", task.name());
    ExitCode result;
    try {
      result = command.run(context);
    } catch (TaskFailure e) {
      result = e.exitCode();
      if (!shutdown.isStopping()) {
        Events.event("run.failed")
            .with("reason", e.reason())
            .with("exit_code", e.exitCode().code())
            .error(log, "{}", oneLine(e));
      }
    } catch (ConfigurationException e) {
      result = ExitCode.USAGE;
      Events.event("config.invalid")
          .with("option", e.option())
          .with("reason", e.reason())
          .error(log, "invalid configuration: {}", e.getMessage());
    } catch (Exception | Error e) {
      result = ExitCode.FAILED;
      if (!shutdown.isStopping()) {
        Events.event("run.failed")
            .with("reason", "unexpected")
            .with("exit_code", 1)
            .error(log, "{} failed: {}", task.name(), e.toString(), e);
      }
    }
    if (shutdown.isStopping() || !finishing.compareAndSet(false, true)) {
      // The signal handler owns the exit now (it runs the cleanup and halts the JVM).
      while (true) {
        LockSupport.park();
      }
    }
    finish(metrics, start, result);
    return result.code();
  }

  private void onSignal(
      ExitCode code, Thread main, Duration grace, MetricsPublisher metrics, Instant start) {
    if (!shutdown.beginStop()) {
      return;
    }
    Thread watchdog =
        Thread.ofPlatform()
            .daemon()
            .name("shutdown-watchdog")
            .start(
                () -> {
                  try {
                    Thread.sleep(grace.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                  LoggingSetup.stop();
                  Runtime.getRuntime().halt(code.code());
                });
    Events.event("run.stopping")
        .with("signal", code == ExitCode.TERMINATED ? "SIGTERM" : "SIGINT")
        .with("grace_ms", grace.toMillis())
        .warn(log, "stop requested; cleaning up within {}", grace);
    main.interrupt();
    // Leave a quarter of the grace time for the metrics push and the log flush.
    shutdown.runActions(grace.multipliedBy(3).dividedBy(4));
    if (finishing.compareAndSet(false, true)) {
      finish(metrics, start, code);
      watchdog.interrupt();
      Runtime.getRuntime().halt(code.code());
    }
  }

  private void finish(MetricsPublisher metrics, Instant start, ExitCode result) {
    Instant end = clock.instant();
    RunMetrics.record(metrics.registry(), start, end, result.code(), result.isSuccess());
    metrics.push();
    Events.event("run.finished")
        .with("status", result.label())
        .with("exit_code", result.code())
        .with("duration_ms", Duration.between(start, end).toMillis())
        .info(log, "{} finished: {} (exit {})", task.name(), result.label(), result.code());
    LoggingSetup.stop();
  }

  private int configurationError(Exception e, EnvironmentDefaults defaults, CommandSpec spec) {
    String option = "configuration";
    String reason;
    ConfigurationException config = find(e, ConfigurationException.class);
    if (config != null) {
      option = config.option();
      reason = config.reason();
    } else if (e instanceof CommandLine.UnmatchedArgumentException u) {
      option = String.join(" ", u.getUnmatched());
      reason = "unknown option or argument";
    } else if (e instanceof CommandLine.MissingParameterException m) {
      option =
          m.getMissing().stream().map(a -> describe(a, defaults)).collect(Collectors.joining(", "));
      reason = "missing required option";
    } else if (e instanceof ParameterException p && p.getArgSpec() != null) {
      option = describe(p.getArgSpec(), defaults);
      reason = invalidValue(p);
    } else {
      reason = oneLine(e);
    }
    Events.event("config.invalid")
        .with("option", option)
        .with("reason", reason)
        .error(log, "invalid configuration: {}: {}", option, reason);
    pushConfigurationFailure(spec);
    LoggingSetup.stop();
    return ExitCode.USAGE.code();
  }

  /**
   * A run refused for its configuration is still a run: push its status (2) and last-run time, so
   * dashboards see it like any failed run. Best effort and silent when the metrics settings are
   * themselves what is invalid: picocli fills options from the environment before it parses the
   * arguments, so a PUSHGATEWAY_URL is usually there even when a later flag was refused.
   */
  private void pushConfigurationFailure(CommandSpec spec) {
    if (!(spec.mixins().get("common") instanceof CommandSpec mixin)
        || !(mixin.userObject() instanceof CommonOptions common)) {
      return;
    }
    MetricsSettings settings;
    try {
      settings = common.metrics();
      if (settings.pushgatewayUrl().isEmpty() && settings.otlpEndpoint().isEmpty()) {
        return;
      }
    } catch (RuntimeException e) {
      return;
    }
    try (MetricsPublisher metrics = new MetricsPublisher(task.name(), settings)) {
      ExitCode usage = ExitCode.USAGE;
      RunMetrics.record(metrics.registry(), launched, clock.instant(), usage.code(), false);
      metrics.push();
    } catch (RuntimeException e) {
      // The refusal is already logged; a metrics problem must not hide or replace it.
    }
  }

  /**
   * What is wrong with a value, without picocli's wrapping: it says "Invalid value for option
   * '--x': cannot convert '5x' to Duration (java.lang.IllegalArgumentException: invalid duration
   * '5x': ...)", naming the option again and the exception class; the option is named already.
   */
  private static String invalidValue(ParameterException p) {
    if (p.getCause() instanceof IllegalArgumentException cause && cause.getMessage() != null) {
      return oneLine(cause);
    }
    return oneLine(p).replaceFirst("^Invalid value for option '[^']*': ", "");
  }

  private static String describe(ArgSpec arg, EnvironmentDefaults defaults) {
    if (arg instanceof OptionSpec o) {
      return o.longestName() + " (env " + String.join("|", defaults.envNames(o)) + ")";
    }
    return arg.paramLabel();
  }

  private void logEffectiveConfiguration(
      CommandSpec spec, ParseResult parsed, EnvironmentDefaults defaults, String runId) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (OptionSpec option : spec.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      Object value = option.getValue();
      String name = option.longestName().replaceFirst("^-+", "");
      values.put(
          name,
          value instanceof Secret ? Redactor.MASK : value == null ? null : String.valueOf(value));
      sources.put(
          name,
          defaults
              .sourceOf(option, parsed.hasMatchedOption(option))
              .name()
              .toLowerCase(java.util.Locale.ROOT));
    }
    Events.Builder event =
        Events.event("config.effective").with("config", values).with("sources", sources);
    List<String> empty = defaults.emptyVariables();
    if (!empty.isEmpty()) {
      // Set to "" (a manifest's `value: ""`): treated as unset, so the next source applied.
      event.with("empty_variables", empty);
    }
    event.info(log, "effective configuration");
  }

  private void registerSecretsFromEnvironment() {
    env.forEach(
        (name, value) -> {
          if (SECRET_VARIABLE.matcher(name).matches() && !name.endsWith("_FILE")) {
            Redactor.global().register(value);
          }
        });
  }

  private static String environmentHelp(EnvironmentDefaults defaults, CommandSpec spec) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%nEnvironment (precedence: flag > variable > variable_FILE > default):%n"));
    for (String[] row : defaults.helpRows(spec)) {
      out.append(String.format("  %-30s %s%n", row[0], row[1]));
    }
    out.append(
        String.format(
            "%nExit codes: 0 success, 1 failed, 2 usage/configuration error, 3 partial,%n"));
    out.append(String.format("4 findings, 143/130 stopped by SIGTERM/SIGINT.%n"));
    return out.toString();
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
