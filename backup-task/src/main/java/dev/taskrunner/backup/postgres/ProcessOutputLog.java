package dev.taskrunner.backup.postgres;

import dev.taskrunner.common.logging.Events;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a child's stderr line by line into structured log lines (never into the archive): {@code
 * warning:} lines as warn, {@code error:}/{@code fatal:} as error, the rest as info. At most {@link
 * #MAX_LINES} lines are logged; the rest are only counted, so a chatty child cannot flood the logs.
 * The child's exit code, not its stderr, decides success.
 */
public final class ProcessOutputLog {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessOutputLog.class);
  static final int MAX_LINES = 200;

  private final Thread thread;
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String lastError = "";

  private ProcessOutputLog(String tool, InputStream stderr) {
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name(tool + "-stderr")
            .start(
                () -> {
                  try (BufferedReader reader =
                      new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                      handle(tool, line);
                    }
                  } catch (IOException e) {
                    // The child ended.
                  }
                });
  }

  public static ProcessOutputLog follow(String tool, Process process) {
    return new ProcessOutputLog(tool, process.getErrorStream());
  }

  private void handle(String tool, String line) {
    long n = lines.incrementAndGet();
    String lower = line.toLowerCase(Locale.ROOT);
    boolean error = lower.contains("error:") || lower.contains("fatal:");
    if (error) {
      errors.incrementAndGet();
      lastError = line.length() > 300 ? line.substring(0, 300) : line;
    }
    if (n > MAX_LINES) {
      return;
    }
    Events.Builder event = Events.event(tool + ".stderr").with("tool", tool).with("line_no", n);
    if (error) {
      event.error(LOG, "{}: {}", tool, line);
    } else if (lower.contains("warning:")) {
      event.warn(LOG, "{}: {}", tool, line);
    } else {
      event.info(LOG, "{}: {}", tool, line);
    }
  }

  /** Waits until the child's stderr is drained (after the child exited). */
  public void await() throws InterruptedException {
    thread.join(10_000);
    if (lines.get() > MAX_LINES) {
      LOG.warn("{} more stderr lines not logged", lines.get() - MAX_LINES);
    }
  }

  /** The last error line, for the failure message (empty if none). */
  public String lastError() {
    return lastError;
  }
}
