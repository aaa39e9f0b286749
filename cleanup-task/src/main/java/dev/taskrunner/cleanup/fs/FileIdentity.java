package dev.taskrunner.cleanup.fs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Device and inode of a file, read from the {@code fileKey()} of its attributes.
 *
 * <p>The JDK exposes {@code st_dev} through the secure directory stream only inside the opaque
 * {@code UnixFileKey}, whose {@code toString()} is {@code (dev=<hex>,ino=<decimal>)} (OpenJDK
 * {@code sun/nio/fs/UnixFileKey.java}). Parsing that is the only way to compare devices relative to
 * an open directory handle without a path lookup; {@code FileIdentityTest} pins the format against
 * {@code Files.getAttribute(path, "unix:dev")} so a JDK change fails the build, not a deletion.
 *
 * @param dev {@code st_dev} of the file
 * @param ino {@code st_ino} of the file
 */
public record FileIdentity(long dev, long ino) {
  private static final Pattern KEY = Pattern.compile("\\(dev=([0-9a-f]+),ino=(\\d+)\\)");

  /** Parses a file key; throws when the JDK's format is not the one this class knows. */
  public static FileIdentity of(Object fileKey) {
    if (fileKey == null) {
      throw new IllegalStateException("file system gives no file key (dev/ino)");
    }
    Matcher m = KEY.matcher(fileKey.toString());
    if (!m.matches()) {
      throw new IllegalStateException("unexpected file key format: " + fileKey);
    }
    return new FileIdentity(Long.parseUnsignedLong(m.group(1), 16), Long.parseLong(m.group(2)));
  }

  /** Major device number, as Linux encodes it in {@code dev_t} (and {@code /proc/locks} shows). */
  public long major() {
    return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & ~0xfffL);
  }

  /** Minor device number, Linux {@code dev_t} encoding. */
  public long minor() {
    return (dev & 0xffL) | ((dev >>> 12) & ~0xffL);
  }
}
