package dev.taskrunner.cleanup.fs;

import java.nio.file.Path;

/**
 * The display form of a file name for logs: control characters (newline, tab, escape...) are
 * written as {@code \n}, {@code \t}, {@code \x1b}, and a backslash as {@code \\}, so one event is
 * one line in every log format. Bytes that are not valid in the JVM's file name encoding already
 * appear as U+FFFD; the name itself is never rebuilt from this form (deletion uses the raw-byte
 * {@link Path} the directory listing returned).
 */
public final class EntryName {
  private EntryName() {}

  public static String display(Path path) {
    return display(path.toString());
  }

  public static String display(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      String escaped =
          switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            default ->
                Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\x%02x", (int) c)
                    : null;
          };
      if (escaped != null && out == null) {
        out = new StringBuilder(name.length() + 8).append(name, 0, i);
      }
      if (out != null) {
        if (escaped != null) {
          out.append(escaped);
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? name : out.toString();
  }
}
