package dev.taskrunner.common.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, parsed from the one size syntax of every option: decimal units (kB, MB, GB, TB =
 * powers of 1000) and binary units (KiB, MiB, GiB, TiB = powers of 1024), or plain bytes. Binary
 * and decimal are never mixed up: {@code 2GB} is 2,000,000,000 bytes.
 *
 * @param bytes the size in bytes, never negative
 */
public record DataSize(long bytes) {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKMGTP]i?B|B)?");
  private static final String EXPECTED =
      "expected a number with a unit B, kB, MB, GB, TB, KiB, MiB, GiB or TiB (e.g. 512MiB, 2GB)";

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("size must not be negative: " + bytes);
    }
  }

  public static DataSize ofMebibytes(long mib) {
    return new DataSize(Math.multiplyExact(mib, 1024L * 1024));
  }

  public static DataSize parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty size: " + EXPECTED);
    }
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid size '" + text + "': " + EXPECTED);
    }
    String unit = m.group(2) == null ? "B" : m.group(2);
    long multiplier =
        switch (unit.toUpperCase(Locale.ROOT)) {
          case "B" -> 1L;
          case "KB" -> 1000L;
          case "MB" -> 1000L * 1000;
          case "GB" -> 1000L * 1000 * 1000;
          case "TB" -> 1000L * 1000 * 1000 * 1000;
          case "PB" -> 1000L * 1000 * 1000 * 1000 * 1000;
          case "KIB" -> 1L << 10;
          case "MIB" -> 1L << 20;
          case "GIB" -> 1L << 30;
          case "TIB" -> 1L << 40;
          case "PIB" -> 1L << 50;
          default -> throw new IllegalArgumentException("invalid size '" + text + "': " + EXPECTED);
        };
    try {
      BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier));
      return new DataSize(value.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
  }

  /** Human form with binary units, for logs. */
  @Override
  public String toString() {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int i = 0;
    double v = bytes;
    while (v >= 1024 && i < units.length - 1 && v % 1024 == 0) {
      v /= 1024;
      i++;
    }
    return (long) v + units[i];
  }
}
