package dev.taskrunner.cleanup.root;

import dev.taskrunner.cleanup.fs.FileIdentity;
import dev.taskrunner.common.TaskFailure;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Refuses roots that would make a cleanup dangerous and pins the accepted ones (fail closed, exit
 * 2). Refused: empty, relative or non-normalized paths ({@code /var/log/../..}, {@code //x}, a
 * trailing {@code /}); the system directories {@link #SYSTEM_DIRS} and everything under them; any
 * directory that is the file system root (same device and inode as {@code /}, e.g. a bind mount); a
 * path with a symbolic link in any component, the root itself included (CVE-2018-6954: a writable
 * parent swapped for a link would redirect the cleaner). {@code --allow-dangerous-root} lifts only
 * the system-directory checks.
 */
public final class RootGuard {
  /** Directories never cleaned, nor anything below them, unless explicitly allowed. */
  public static final List<Path> SYSTEM_DIRS =
      List.of("/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot")
          .stream()
          .map(Path::of)
          .toList();

  private RootGuard() {}

  /**
   * The checks that need no file system access (syntax, system directories); throws {@link
   * TaskFailure} with exit 2 when the root is refused. {@link #pin} runs them first.
   */
  public static Path checkSyntax(String configured, boolean allowDangerous) {
    Path path = validateSyntax(configured);
    if (!allowDangerous) {
      for (Path system : SYSTEM_DIRS) {
        if (path.startsWith(system)) {
          throw refuse(
              "unsafe_root", configured, "is or lies under the system directory " + system);
        }
      }
    }
    return path;
  }

  /** Validates and opens a root; throws {@link TaskFailure} with exit 2 when it is refused. */
  public static PinnedRoot pin(String configured, boolean allowDangerous) {
    Path path = checkSyntax(configured, allowDangerous);
    // lstat every component from the top: a symbolic link anywhere fails closed.
    Path prefix = path.getRoot();
    BasicFileAttributes attrs = null;
    for (Path component : path) {
      prefix = prefix.resolve(component);
      try {
        attrs = Files.readAttributes(prefix, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        throw refuse("root_missing", configured, prefix + " does not exist");
      } catch (IOException e) {
        throw refuse("root_unreadable", configured, "cannot stat " + prefix + ": " + reason(e));
      }
      if (attrs.isSymbolicLink()) {
        throw refuse(
            "symlink_in_root",
            configured,
            prefix + " is a symbolic link; configure the real path (links are never followed)");
      }
      if (!attrs.isDirectory()) {
        throw refuse("root_not_directory", configured, prefix + " is not a directory");
      }
    }
    try {
      Object top = Files.readAttributes(Path.of("/"), BasicFileAttributes.class).fileKey();
      if (attrs != null && attrs.fileKey().equals(top)) {
        throw refuse("unsafe_root", configured, "is the file system root");
      }
    } catch (IOException e) {
      throw refuse("root_unreadable", configured, "cannot stat /: " + reason(e));
    }
    return open(path, attrs.fileKey(), configured);
  }

  private static Path validateSyntax(String configured) {
    if (configured == null || configured.isBlank()) {
      throw refuse("empty_root", String.valueOf(configured), "is empty");
    }
    Path path;
    try {
      path = Path.of(configured);
    } catch (RuntimeException e) {
      throw refuse("invalid_root", configured, "is not a valid path");
    }
    if (!path.isAbsolute()) {
      throw refuse("relative_root", configured, "is relative; give an absolute path");
    }
    if (!configured.equals(path.normalize().toString())) {
      throw refuse(
          "unnormalized_root",
          configured,
          "is not normalized (., .., // or a trailing /); give " + path.normalize());
    }
    if (path.getNameCount() == 0) {
      throw refuse("unsafe_root", configured, "is the file system root");
    }
    return path;
  }

  /**
   * Opens the root. {@code Files.newDirectoryStream} follows links in the last component (plain
   * {@code open(O_RDONLY)}), so the handle's own identity (fstat) is compared with the lstat taken
   * above; a swap in between fails closed.
   */
  private static PinnedRoot open(Path path, Object expectedKey, String configured) {
    DirectoryStream<Path> stream;
    try {
      stream = Files.newDirectoryStream(path);
    } catch (AccessDeniedException e) {
      throw refuse("root_unreadable", configured, "permission denied");
    } catch (IOException e) {
      throw refuse("root_unreadable", configured, reason(e));
    }
    if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
      closeQuietly(stream);
      throw TaskFailure.usage(
          "no_secure_directory_stream",
          "this platform has no SecureDirectoryStream (openat/unlinkat); refusing to clean "
              + configured
              + " with path-based operations");
    }
    try {
      Object key =
          secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
      if (!key.equals(expectedKey)) {
        closeQuietly(stream);
        throw refuse("root_changed", configured, "changed between inspection and opening");
      }
      return new PinnedRoot(path, secure, FileIdentity.of(key), key);
    } catch (IOException e) {
      closeQuietly(stream);
      throw refuse("root_unreadable", configured, reason(e));
    }
  }

  private static TaskFailure refuse(String reason, String root, String why) {
    return TaskFailure.usage(reason, "root '" + root.replace("\n", "\\n") + "' refused: " + why);
  }

  private static String reason(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }

  private static void closeQuietly(DirectoryStream<Path> stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // nothing to lose
    }
  }
}
