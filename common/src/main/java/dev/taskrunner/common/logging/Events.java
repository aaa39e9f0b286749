package dev.taskrunner.common.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;

/**
 * Domain events: a log line with an {@code event} name and typed fields ({@code bytes}, {@code
 * duration_ms}, {@code key}, {@code days_left}...), so a log query can count and sum them.
 */
public final class Events {
  private Events() {}

  public static Builder event(String name) {
    return new Builder(name);
  }

  /** Collects the fields of one event, then logs it at a level. */
  public static final class Builder {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Builder(String name) {
      fields.put("event", name);
    }

    public Builder with(String field, Object value) {
      fields.put(field, value);
      return this;
    }

    public Builder withAll(Map<String, ?> more) {
      fields.putAll(more);
      return this;
    }

    public void info(Logger logger, String message, Object... args) {
      logger.info(Markers.appendEntries(fields), message, args);
    }

    public void warn(Logger logger, String message, Object... args) {
      logger.warn(Markers.appendEntries(fields), message, args);
    }

    public void error(Logger logger, String message, Object... args) {
      logger.error(Markers.appendEntries(fields), message, args);
    }
  }
}
