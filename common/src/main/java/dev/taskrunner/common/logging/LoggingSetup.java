package dev.taskrunner.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.slf4j.LoggerFactory;

/**
 * Configures logback in code (found through {@code ServiceLoader}, so no XML is parsed at start-up
 * and no stray {@code logback.xml} on the class path can change the format): one console appender
 * on stdout, JSON or text, every string passed through the {@link Redactor}.
 *
 * <p>JSON fields: {@code @timestamp} (ISO-8601 UTC), {@code level}, {@code logger}, {@code thread},
 * {@code message} (formatted), {@code task} and {@code run_id} (from the MDC), {@code stack_trace},
 * and for domain events {@code event} plus typed fields (see {@link Events}).
 */
public final class LoggingSetup extends ContextAwareBase implements Configurator {

  /** Libraries whose INFO chatter is not the task's story. */
  private static final Map<String, Level> QUIET =
      Map.of(
          "software.amazon.awssdk", Level.WARN,
          "io.fabric8", Level.WARN,
          "org.testcontainers", Level.INFO,
          "org.eclipse.jetty", Level.WARN,
          "org.jclouds", Level.WARN,
          "org.gaul", Level.WARN,
          "io.micrometer", Level.WARN,
          "io.netty", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LogFormat format;
    try {
      format = LogFormat.parse(System.getenv("LOG_FORMAT"));
    } catch (IllegalArgumentException e) {
      format = LogFormat.JSON;
    }
    apply(context, format, Level.toLevel(System.getenv("LOG_LEVEL"), Level.INFO));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Switches the format at run time (the {@code --log-format} flag is known only after parsing).
   */
  public static void reconfigure(LogFormat format) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      Level level = context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel();
      context.getLogger(Logger.ROOT_LOGGER_NAME).detachAndStopAllAppenders();
      apply(context, format, level == null ? Level.INFO : level);
    }
  }

  /** Adds {@code task} and {@code run_id} to every line from now on, whatever thread logs it. */
  public static void identify(String task, String runId) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.putProperty("task", task);
      context.putProperty("run_id", runId);
    }
  }

  /** Flushes and stops every appender; call before the JVM exits. */
  public static void stop() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.stop();
    }
  }

  static void apply(LoggerContext context, LogFormat format, Level level) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stdout");
    console.setEncoder(format == LogFormat.JSON ? jsonEncoder(context) : textEncoder(context));
    console.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(console);
    QUIET.forEach((name, quiet) -> context.getLogger(name).setLevel(quiet));
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.setTimeZone("UTC");
    encoder.getFieldNames().setLogger("logger");
    encoder.getFieldNames().setThread("thread");
    encoder.getFieldNames().setLevelValue("[ignore]");
    encoder.getFieldNames().setVersion("[ignore]");
    // Context properties carry task and run_id into every line, from every thread.
    encoder.setIncludeContext(true);
    encoder.setIncludeCallerData(false);
    MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
    masking.addValueMasker(new RedactingValueMasker(Redactor.global()));
    masking.start();
    encoder.setJsonGeneratorDecorator(masking);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    RedactingPatternLayout layout = new RedactingPatternLayout(Redactor.global());
    layout.setContext(context);
    layout.setPattern(
        "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level [%property{task} %property{run_id}] %logger{20} %marker %msg%n%ex");
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }
}
