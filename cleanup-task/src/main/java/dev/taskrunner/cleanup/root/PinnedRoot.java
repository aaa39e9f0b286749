package dev.taskrunner.cleanup.root;

import dev.taskrunner.cleanup.fs.FileIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * A root directory opened and verified: every later operation is relative to {@code handle}, so
 * renaming or replacing the path after this point cannot redirect the walk.
 *
 * @param path the configured absolute path (for display)
 * @param handle open handle of the directory; its identity equals {@code identity}
 * @param identity device and inode of the root
 * @param fileKey the JDK file key of the root (compared with handles opened later)
 */
public record PinnedRoot(
    Path path, SecureDirectoryStream<Path> handle, FileIdentity identity, Object fileKey)
    implements AutoCloseable {

  @Override
  public void close() {
    try {
      handle.close();
    } catch (IOException ignored) {
      // Closing a read-only directory handle cannot lose data.
    }
  }
}
