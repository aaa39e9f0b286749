package dev.taskrunner.backup.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object key of one backup: {@code <prefix>/<db>/<db>-<yyyyMMdd'T'HHmmss'Z'>-<run id>.<ext>},
 * where {@code <db>} is the database name percent-encoded so that any name round-trips (everything
 * but {@code A-Z a-z 0-9 _ . -} is encoded, and a leading {@code _} or {@code .} too, so no
 * database folder can be {@code .}, {@code ..} or the {@code _globals} folder). The run id in the
 * name keeps two runs in the same second apart.
 *
 * @param prefix key prefix without trailing slash (may be empty)
 * @param database the real database name, or {@link #GLOBALS} for pg_dumpall --globals-only
 * @param time start of the backup (UTC, second precision in the key)
 * @param runId run id of the task run that wrote it
 * @param extension format and compression, e.g. {@code dump.zst}
 */
public record BackupKey(
    String prefix, String database, Instant time, String runId, String extension) {

  /** Pseudo-database of the roles and tablespaces dump ({@code --all-databases}). */
  public static final String GLOBALS = "_globals";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern NAME =
      Pattern.compile("(?<stamp>\\d{8}T\\d{6}Z)-(?<run>[0-9A-Za-z]+)\\.(?<ext>[a-z]+(\\.[a-z]+)?)");

  public String key() {
    String folder = folder(prefix, database);
    return folder + encodedDatabase() + "-" + STAMP.format(time) + "-" + runId + "." + extension;
  }

  /** Key of the JSON manifest stored next to the archive. */
  public String manifestKey() {
    return key() + ".manifest.json";
  }

  /** The folder of a database's backups, ending in {@code /}: the only place retention looks. */
  public static String folder(String prefix, String database) {
    String enc = database.equals(GLOBALS) ? GLOBALS : encode(database);
    return (prefix.isEmpty() ? "" : prefix + "/") + enc + "/";
  }

  private String encodedDatabase() {
    return database.equals(GLOBALS) ? GLOBALS : encode(database);
  }

  public ArchiveFormat format() {
    return ArchiveFormat.fromExtension(extension.split("\\.")[0]);
  }

  public Compression compression() {
    return Compression.fromFileName(extension);
  }

  /**
   * Parses a key as one of {@code database}'s backups under {@code prefix}; empty for anything else
   * (another database such as {@code app-analytics} next to {@code app}, manifests, unrelated
   * keys).
   */
  public static Optional<BackupKey> parse(String prefix, String database, String key) {
    String folder = folder(prefix, database);
    String enc = database.equals(GLOBALS) ? GLOBALS : encode(database);
    String head = folder + enc + "-";
    if (!key.startsWith(head)) {
      return Optional.empty();
    }
    Matcher m = NAME.matcher(key.substring(head.length()));
    if (!m.matches()) {
      return Optional.empty();
    }
    String ext = m.group("ext");
    try {
      ArchiveFormat.fromExtension(ext.split("\\.")[0]);
      if (ext.contains(".") && Compression.fromFileName(ext) == Compression.NONE) {
        return Optional.empty();
      }
      Instant time = STAMP.parse(m.group("stamp"), Instant::from);
      return Optional.of(new BackupKey(prefix, database, time, m.group("run"), ext));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses any backup key, taking the database from its folder: {@code <prefix>/<db>/<file>}. Empty
   * when the key is not a backup written by this task.
   */
  public static Optional<BackupKey> parse(String key) {
    String[] segments = key.split("/", -1);
    if (segments.length < 2) {
      return Optional.empty();
    }
    String prefix = String.join("/", java.util.Arrays.copyOf(segments, segments.length - 2));
    String folder = segments[segments.length - 2];
    String database = folder.equals(GLOBALS) ? GLOBALS : decode(folder);
    return parse(prefix, database, key);
  }

  /** Percent-encodes a database name for use as one key segment (UTF-8, upper-case hex). */
  public static String encode(String database) {
    byte[] bytes = database.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      boolean safe =
          (b >= 'a' && b <= 'z')
              || (b >= 'A' && b <= 'Z')
              || (b >= '0' && b <= '9')
              || b == '-'
              || ((b == '_' || b == '.') && i > 0);
      if (safe) {
        out.append((char) b);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Inverse of {@link #encode}. */
  public static String decode(String segment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
