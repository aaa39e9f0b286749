package dev.taskrunner.common.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of every option: a sequence of number+unit ({@code 30d}, {@code 12h},
 * {@code 1h30m}, {@code 90s}, {@code 250ms}) or ISO-8601 ({@code PT10S}). A day is exactly 86,400
 * s: retention and age rules must not depend on time zones or DST.
 */
public final class DurationParser {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
  private static final String EXPECTED =
      "expected a number with a unit ms, s, m, h, d or w (e.g. 30d, 12h, 1h30m, 90s)";

  private DurationParser() {}

  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration: " + EXPECTED);
    }
    String s = text.trim();
    if (s.startsWith("P") || s.startsWith("p")) {
      Duration iso;
      try {
        iso = Duration.parse(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid duration '" + text + "': " + EXPECTED);
      }
      return nonNegative(text, iso);
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      try {
        long n = Long.parseLong(m.group(1));
        total =
            switch (m.group(2)) {
              case "ms" -> total.plusMillis(n);
              case "s" -> total.plusSeconds(n);
              case "m" -> total.plus(Duration.ofMinutes(n));
              case "h" -> total.plus(Duration.ofHours(n));
              case "d" -> total.plus(Duration.ofSeconds(Math.multiplyExact(n, 86_400L)));
              case "w" -> total.plus(Duration.ofSeconds(Math.multiplyExact(n, 7 * 86_400L)));
              default -> throw new IllegalStateException(m.group(2));
            };
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("duration '" + text + "' is too large");
      }
      end = m.end();
    }
    if (end != s.length() || end == 0) {
      throw new IllegalArgumentException("invalid duration '" + text + "': " + EXPECTED);
    }
    return total;
  }

  private static Duration nonNegative(String text, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("duration '" + text + "' is negative");
    }
    return d;
  }
}
