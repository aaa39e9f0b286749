package dev.taskrunner.common.logging;

import java.util.Locale;

/** Output format of the log lines on stdout. */
public enum LogFormat {
  /** One JSON object per line: what log collectors parse. The default. */
  JSON,
  /** Human-readable lines for a terminal. */
  TEXT;

  public static LogFormat parse(String value) {
    if (value == null || value.isBlank()) {
      return JSON;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid log format '" + value + "': expected json or text");
    }
  }
}
