package dev.taskrunner.certcheck.file;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.decode.CertificateDecoder;
import dev.taskrunner.certcheck.decode.DecodeFailure;
import dev.taskrunner.certcheck.decode.DecodedBundle;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Turns file specifications into results. A specification is a file, a directory (its entries, not
 * recursively, skipping the {@code ..data}-style entries of a Kubernetes Secret volume so a mounted
 * Secret is read once) or a glob ({@code /etc/ssl/private/*.pem}, {@code /certs/**.crt}).
 *
 * <p>Nothing is silent: a path that does not exist, cannot be read or is a dangling symlink gives
 * one {@code ERROR} result with the reason {@code not_found}, {@code permission_denied} or {@code
 * broken_symlink} (x509-certificate-exporter's codes), and so does a glob that matches nothing.
 */
public final class FileScanner {
  private static final int MAX_GLOB_DEPTH = 16;

  private final ChainEvaluator evaluator;
  private final Clock clock;
  private final char[] password;

  /**
   * @param password keystore password for PKCS#12, JKS and JCEKS files; null when none
   */
  public FileScanner(ChainEvaluator evaluator, Clock clock, char[] password) {
    this.evaluator = evaluator;
    this.clock = clock;
    this.password = password;
  }

  /**
   * Checks that {@code spec} can be used before any file is read, so a typo in a glob is a
   * configuration error rather than a failure halfway through the scan.
   *
   * @throws IllegalArgumentException with a one-line message naming the specification
   */
  public static void check(String spec) {
    try {
      Path literal = Path.of(spec);
      if (isGlob(spec) && !Files.exists(literal)) {
        FileSystems.getDefault().getPathMatcher("glob:" + spec);
      }
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "glob '" + spec + "': " + e.getDescription() + " at index " + e.getIndex());
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("path '" + spec + "': " + e.getReason());
    }
  }

  /**
   * The entries a specification stands for; a path that does not resolve is kept as it is. A path
   * that exists is taken literally even with glob characters in its name ({@code cert[1].pem}).
   */
  public static List<Path> expand(String spec) {
    if (!isGlob(spec) || Files.exists(Path.of(spec))) {
      Path path = Path.of(spec);
      if (Files.isDirectory(path)) {
        return directoryEntries(path);
      }
      return List.of(path);
    }
    Path base = globBase(spec);
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + spec);
    Set<Path> out = new LinkedHashSet<>();
    if (Files.isDirectory(base)) {
      try (Stream<Path> walk = Files.walk(base, MAX_GLOB_DEPTH)) {
        walk.filter(p -> !insideSecretVolumeInternals(base, p))
            .filter(p -> !Files.isDirectory(p))
            .filter(matcher::matches)
            .sorted()
            .forEach(out::add);
      } catch (IOException | java.io.UncheckedIOException e) {
        // An unreadable part of the tree: what was found is kept, the rest reported below.
      }
    }
    return List.copyOf(out);
  }

  /**
   * Largest file read. Real bundles and keystores are kilobytes (a full CA bundle is about 200
   * KiB); the bound keeps a junk file from taking the heap of a 256 MiB pod.
   */
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  /**
   * The bytes of a certificate file, for scanned files and for {@code --ca-file} alike. Opening a
   * FIFO blocks until a writer comes, and a device never ends: neither is a certificate file, and
   * either would stall or exhaust the run; so is anything over {@link #MAX_FILE_BYTES}.
   *
   * @throws DecodeFailure {@code not_regular_file} or {@code too_large}
   */
  public static byte[] readBounded(Path path) throws IOException, DecodeFailure {
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw new DecodeFailure("not_regular_file", "not a regular file (FIFO, socket or device)");
    }
    byte[] content;
    try (InputStream in = Files.newInputStream(path)) {
      content = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (content.length > MAX_FILE_BYTES) {
      throw new DecodeFailure("too_large", "larger than " + MAX_FILE_BYTES + " bytes");
    }
    return content;
  }

  /** Checks one file. Never throws: every problem is a result. */
  public TargetResult scan(Path path) {
    long started = System.nanoTime();
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("filepath", path.toString());
    attrs.put("filename", path.getFileName() == null ? "" : path.getFileName().toString());
    TargetId id = new TargetId(path.toString(), "file", "");
    byte[] content;
    try {
      if (Files.isSymbolicLink(path) && !Files.exists(path)) {
        return error(id, "broken_symlink", "symbolic link target does not exist", attrs, started);
      }
      if (Files.isDirectory(path)) {
        return error(id, "decode_failed", "is a directory", attrs, started);
      }
      content = readBounded(path);
    } catch (DecodeFailure e) {
      return error(id, e.reason(), e.getMessage(), attrs, started);
    } catch (NoSuchFileException e) {
      return error(id, "not_found", "no such file", attrs, started);
    } catch (AccessDeniedException e) {
      return error(id, "permission_denied", "permission denied", attrs, started);
    } catch (IOException e) {
      return error(id, "read_failed", e.getClass().getSimpleName(), attrs, started);
    }
    try {
      DecodedBundle bundle = CertificateDecoder.decode(content, password);
      attrs.put("format", bundle.kind());
      return evaluator.evaluateBundle(id, bundle.certificates(), attrs, millis(started));
    } catch (DecodeFailure e) {
      return error(id, e.reason(), e.getMessage(), attrs, started);
    }
  }

  /** Results for a specification that matched nothing: the glob itself is the failed target. */
  public TargetResult unmatched(String spec) {
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("filepath", spec);
    attrs.put("filename", "");
    return error(
        new TargetId(spec, "file", ""),
        "not_found",
        "pattern matched no file",
        attrs,
        System.nanoTime());
  }

  private TargetResult error(
      TargetId id, String reason, String detail, Map<String, String> attrs, long started) {
    Map<String, String> a = new LinkedHashMap<>(attrs);
    a.put("detail", detail);
    return TargetResult.failure(
        id, Status.ERROR, reason, "", "", a, millis(started), clock.instant());
  }

  private static List<Path> directoryEntries(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        // Kubernetes Secret volumes: ..data and ..2024_xx hold the same files as the top level.
        if (p.getFileName().toString().startsWith("..")) {
          continue;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        out.add(p);
      }
    } catch (IOException e) {
      // Reported as a failed target for the directory itself by the caller's scan.
      return List.of(dir);
    }
    out.sort(null);
    return out;
  }

  /** True below a {@code ..data}-style entry, whose files the top-level links already expose. */
  private static boolean insideSecretVolumeInternals(Path base, Path p) {
    for (Path part : base.relativize(p)) {
      if (part.toString().startsWith("..")) {
        return true;
      }
    }
    return false;
  }

  static boolean isGlob(String spec) {
    return spec.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /** The longest leading part of a glob without glob characters. */
  static Path globBase(String spec) {
    Path path = Path.of(spec.replaceAll("[*?\\[{].*$", "x"));
    Path parent = path.getParent();
    return parent == null ? Path.of("") : parent;
  }

  private static long millis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
