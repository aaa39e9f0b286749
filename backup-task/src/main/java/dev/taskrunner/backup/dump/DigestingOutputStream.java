package dev.taskrunner.backup.dump;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and SHA-256-hashes the bytes that are stored, on their way to the upload. {@link #close()}
 * only flushes: the upload behind it is completed or aborted by its owner, never by a close.
 */
final class DigestingOutputStream extends OutputStream {
  private final OutputStream out;
  private final MessageDigest sha256;
  private long count;

  DigestingOutputStream(OutputStream out) {
    this.out = out;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    sha256.update(b, off, len);
    out.write(b, off, len);
    count += len;
  }

  long count() {
    return count;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }
}
