package dev.taskrunner.backup.restore;

import dev.taskrunner.backup.archive.ArchiveFormat;
import dev.taskrunner.backup.archive.ArchiveShape;
import dev.taskrunner.backup.archive.BackupKey;
import dev.taskrunner.backup.postgres.ConnectionSettings;
import dev.taskrunner.backup.postgres.PgClientTools;
import dev.taskrunner.backup.postgres.PgPassFile;
import dev.taskrunner.backup.postgres.PgServiceFile;
import dev.taskrunner.backup.postgres.PostgresServer;
import dev.taskrunner.backup.postgres.ProcessOutputLog;
import dev.taskrunner.backup.storage.Manifest;
import dev.taskrunner.backup.storage.ObjectStore;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskFailure;
import dev.taskrunner.common.logging.Events;
import dev.taskrunner.common.logging.ProgressReporter;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restores (or only verifies) a stored archive: checks its size against the manifest, streams it
 * through SHA-256 and the decompressor into {@code pg_restore} (custom, tar) or {@code psql}
 * (plain) in a single transaction, and releases the last chunk only after the whole object's size
 * and SHA-256 matched, so a corrupt or truncated object is never committed.
 */
public final class ArchiveRestorer {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveRestorer.class);
  private static final int CHUNK = 256 * 1024;

  private final RunContext ctx;
  private final ObjectStore store;
  private final ConnectionSettings connection;
  private final PgClientTools tools;

  public ArchiveRestorer(
      RunContext ctx, ObjectStore store, ConnectionSettings connection, PgClientTools tools) {
    this.ctx = ctx;
    this.store = store;
    this.connection = connection;
    this.tools = tools;
  }

  /** The archive named by {@code --key}, or the newest of {@code --database} for --latest. */
  public BackupKey resolve(RestoreSettings settings) throws Exception {
    if (settings.key().isPresent()) {
      return BackupKey.parse(settings.key().get())
          .orElseThrow(
              () ->
                  TaskFailure.usage(
                      "bad_key",
                      "--key " + settings.key().get() + " is not a key written by backup-task"));
    }
    String database =
        settings
            .database()
            .orElseThrow(() -> TaskFailure.usage("missing_database", "--latest needs --database"));
    String prefix = store.settings().prefix();
    List<BackupKey> keys = new ArrayList<>();
    for (S3Object o : store.list(BackupKey.folder(prefix, database))) {
      BackupKey.parse(prefix, database, o.key()).ifPresent(keys::add);
    }
    return keys.stream()
        .max(Comparator.comparing(BackupKey::time).thenComparing(BackupKey::key))
        .orElseThrow(
            () ->
                new TaskFailure(
                    ExitCode.FAILED,
                    "no_backup",
                    "no backup of database " + database + " under prefix '" + prefix + "'"));
  }

  /**
   * Restores into {@code target}, or (when {@code target} is empty) only proves the archive is
   * whole and readable ({@code --mode verify}).
   */
  public void restore(BackupKey key, Optional<String> target, RestoreSettings settings)
      throws Exception {
    Instant start = ctx.clock().instant();
    HeadObjectResponse head =
        store
            .head(key.key())
            .orElseThrow(
                () ->
                    new TaskFailure(
                        ExitCode.FAILED, "no_backup", "object " + key.key() + " does not exist"));
    Expected expected = expected(key, head);
    if (head.contentLength() != expected.size) {
      throw new TaskFailure(
          ExitCode.FAILED,
          "size_mismatch",
          "refusing "
              + key.key()
              + ": stored size "
              + head.contentLength()
              + " differs from the recorded "
              + expected.size
              + " (truncated or replaced)");
    }
    Optional<PgServiceFile> serviceFile;
    try {
      serviceFile = target.isPresent() ? PgServiceFile.forDatabase(target.get()) : Optional.empty();
    } catch (IllegalArgumentException e) {
      throw TaskFailure.usage("database_name", e.getMessage());
    }
    try {
      if (target.isPresent() && settings.createTarget()) {
        PostgresServer server = new PostgresServer(connection);
        if (!server.exists("postgres", target.get())) {
          server.createDatabase("postgres", target.get());
          LOG.info("created database {}", target.get());
        }
      }
      stream(key, target, settings, start, expected, serviceFile);
    } finally {
      serviceFile.ifPresent(PgServiceFile::close);
    }
  }

  private void stream(
      BackupKey key,
      Optional<String> target,
      RestoreSettings settings,
      Instant start,
      Expected expected,
      Optional<PgServiceFile> serviceFile)
      throws Exception {
    ArchiveFormat format = key.format();
    List<String> command = new ArrayList<>();
    if (target.isEmpty()) {
      if (format.restoredWithPgRestore()) {
        command.addAll(List.of(tools.program("pg_restore"), "--file=/dev/null"));
      }
    } else if (format.restoredWithPgRestore()) {
      command.addAll(
          List.of(
              tools.program("pg_restore"),
              "--no-password",
              "--single-transaction",
              "--exit-on-error",
              PgClientTools.dbnameArgument(target.get(), serviceFile)));
      command.addAll(settings.extraArgs());
    } else {
      command.addAll(
          List.of(
              tools.program("psql"),
              "--no-password",
              "--quiet",
              "--no-psqlrc",
              "--set=ON_ERROR_STOP=1",
              "--single-transaction",
              PgClientTools.dbnameArgument(target.get(), serviceFile),
              "--file=-"));
      command.addAll(settings.extraArgs());
    }
    AtomicLong read = new AtomicLong();
    try (PgPassFile passFile =
            connection.password().isPresent() && !command.isEmpty()
                ? PgPassFile.write(connection.password().get())
                : null;
        ProgressReporter progress =
            ctx.progress("backup.restore", "bytes", read::get, () -> expected.size)) {
      Process child =
          command.isEmpty()
              ? null
              : tools.builder(connection, passFile, serviceFile.orElse(null), command).start();
      ProcessOutputLog childLog =
          child == null ? null : ProcessOutputLog.follow(tool(command), child);
      try (ShutdownCoordinator.Registration stop =
          ctx.shutdown()
              .register(
                  "stop " + tool(command),
                  () -> {
                    if (child != null) {
                      child.destroyForcibly();
                    }
                  })) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        ArchiveShape shape = new ArchiveShape(format);
        OutputStream out =
            child == null ? OutputStream.nullOutputStream() : child.getOutputStream();
        try (InputStream raw = store.open(key.key());
            InputStream counted = new CountingInput(new DigestInputStream(raw, sha), read);
            InputStream plain = key.compression().decompress(counted)) {
          byte[] held = new byte[CHUNK];
          int heldLength = 0;
          byte[] buffer = new byte[CHUNK];
          int n;
          while ((n = plain.readNBytes(buffer, 0, CHUNK)) > 0) {
            // Hold one chunk back: the child gets the end of the archive only after the whole
            // object checked out, so it cannot commit a corrupt one.
            if (heldLength > 0) {
              out.write(held, 0, heldLength);
            }
            byte[] swap = held;
            held = buffer;
            buffer = swap;
            heldLength = n;
            shape.update(held, 0, n);
          }
          // Trailing bytes the decompressor did not need still count for size and hash.
          counted.transferTo(OutputStream.nullOutputStream());
          String actual = HexFormat.of().formatHex(sha.digest());
          if (read.get() != expected.size || !actual.equals(expected.sha256)) {
            throw new TaskFailure(
                ExitCode.FAILED,
                "checksum_mismatch",
                "refusing "
                    + key.key()
                    + ": read "
                    + read.get()
                    + " bytes with sha256 "
                    + actual
                    + ", recorded "
                    + expected.size
                    + " bytes with sha256 "
                    + expected.sha256);
          }
          String problem = shape.problem();
          if (problem != null) {
            throw new TaskFailure(ExitCode.FAILED, "archive_invalid", problem);
          }
          out.write(held, 0, heldLength);
          out.close();
        } catch (IOException e) {
          if (child != null) {
            child.destroyForcibly();
          }
          throw new TaskFailure(
              ExitCode.FAILED,
              "read_failed",
              "could not read " + key.key() + ": " + e.getMessage(),
              e);
        } catch (RuntimeException e) {
          if (child != null) {
            child.destroyForcibly();
          }
          throw e;
        }
        if (child != null) {
          int exit = child.waitFor();
          childLog.await();
          if (exit != 0) {
            throw new TaskFailure(
                ExitCode.FAILED,
                target.isEmpty() ? "verify_failed" : "restore_failed",
                tool(command)
                    + " exited with "
                    + exit
                    + (childLog.lastError().isEmpty() ? "" : ": " + childLog.lastError()));
          }
        }
      }
    }
    Duration duration = Duration.between(start, ctx.clock().instant());
    Events.event(target.isEmpty() ? "verify.completed" : "restore.completed")
        .with("key", key.key())
        .with("database", key.database())
        .with("target", target.orElse(""))
        .with("bytes", expected.size)
        .with("sha256", expected.sha256)
        .with("duration_ms", duration.toMillis())
        .info(
            LOG,
            target.isEmpty() ? "{} verified" : "{} restored into {}",
            key.key(),
            target.orElse(""));
  }

  private record Expected(long size, String sha256) {}

  private Expected expected(BackupKey key, HeadObjectResponse head) throws Exception {
    try {
      Manifest m = Manifest.parse(store.getSmall(key.manifestKey()));
      return new Expected(m.sizeBytes(), m.sha256());
    } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
      String sha = head.metadata().get("taskrunner-sha256");
      String size = head.metadata().get("taskrunner-size");
      if (sha != null && size != null) {
        return new Expected(Long.parseLong(size), sha);
      }
      throw new TaskFailure(
          ExitCode.FAILED,
          "manifest_missing",
          "refusing "
              + key.key()
              + ": no manifest "
              + key.manifestKey()
              + " and no sha256 in its metadata, so it cannot be checked");
    }
  }

  private static String tool(List<String> command) {
    if (command.isEmpty()) {
      return "reader";
    }
    String program = command.get(0);
    return program.substring(program.lastIndexOf('/') + 1);
  }

  /** Counts the stored bytes read. */
  private static final class CountingInput extends java.io.FilterInputStream {
    private final AtomicLong count;

    CountingInput(InputStream in, AtomicLong count) {
      super(in);
      this.count = count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count.addAndGet(n);
      }
      return n;
    }
  }
}
