package dev.taskrunner.cleanup.walk;

import java.nio.file.FileSystemException;

/** A directory opened by name is not the one examined before (replaced between lstat and open). */
final class IdentityChangedException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  IdentityChangedException(String name) {
    super(name, null, "directory replaced between examination and opening");
  }
}
