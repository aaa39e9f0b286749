package dev.taskrunner.backup.dump;

import dev.taskrunner.backup.archive.ArchiveFormat;
import dev.taskrunner.backup.archive.ArchiveShape;
import dev.taskrunner.backup.archive.BackupKey;
import dev.taskrunner.backup.archive.Compression;
import dev.taskrunner.backup.postgres.ConnectionSettings;
import dev.taskrunner.backup.postgres.PgClientTools;
import dev.taskrunner.backup.postgres.PgPassFile;
import dev.taskrunner.backup.postgres.PgServiceFile;
import dev.taskrunner.backup.postgres.ProcessOutputLog;
import dev.taskrunner.backup.storage.Manifest;
import dev.taskrunner.backup.storage.MultipartUploadSink;
import dev.taskrunner.backup.storage.ObjectStore;
import dev.taskrunner.backup.storage.PartLimitExceeded;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskFailure;
import dev.taskrunner.common.logging.Events;
import dev.taskrunner.common.logging.ProgressReporter;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Backs up one database (or the cluster's globals): pg_dump's stdout is hashed, optionally
 * compressed, and streamed into a multipart upload that is completed only after pg_dump exited 0,
 * the archive looked whole, the optional verifier read it to the end, and every part was
 * acknowledged. Anything else aborts the upload: no object, no leftover parts.
 */
public final class DatabaseBackup {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseBackup.class);
  private static final int CHUNK = 256 * 1024;
  private static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;

  private final RunContext ctx;
  private final ObjectStore store;
  private final ConnectionSettings connection;
  private final PgClientTools tools;
  private final BackupSettings settings;

  public DatabaseBackup(
      RunContext ctx,
      ObjectStore store,
      ConnectionSettings connection,
      PgClientTools tools,
      BackupSettings settings) {
    this.ctx = ctx;
    this.store = store;
    this.connection = connection;
    this.tools = tools;
    this.settings = settings;
  }

  /**
   * Dumps and uploads.
   *
   * @param database database name, or {@link BackupKey#GLOBALS} for {@code pg_dumpall
   *     --globals-only}
   * @param databaseBytes {@code pg_database_size}, for the part size
   * @param serverVersion server version for the manifest
   * @param pgDumpMajor pg_dump's major version for the manifest
   */
  public BackupResult run(
      String database, long databaseBytes, String serverVersion, int pgDumpMajor) throws Exception {
    Instant start = ctx.clock().instant();
    boolean globals = database.equals(BackupKey.GLOBALS);
    ArchiveFormat format = globals ? ArchiveFormat.PLAIN : settings.format();
    Compression compression =
        globals && settings.compression() == Compression.PGDUMP
            ? Compression.NONE
            : settings.compression();
    BackupKey key =
        new BackupKey(
            store.settings().prefix(),
            database,
            start,
            ctx.runId(),
            format.extension() + compression.suffix());
    long partSize = settings.partSizeFor(databaseBytes);
    Events.event("backup.started")
        .with("database", database)
        .with("key", key.key())
        .with("part_size", partSize)
        .with("database_bytes", databaseBytes)
        .info(LOG, "backing up {} to {}", database, key.key());

    Optional<PgServiceFile> serviceFile = serviceFile(globals ? "postgres" : database);
    List<String> command = new ArrayList<>();
    if (globals) {
      command.addAll(List.of(tools.program("pg_dumpall"), "--globals-only", "--no-password"));
      command.add(PgClientTools.dbnameArgument("postgres", serviceFile));
    } else {
      command.addAll(
          List.of(
              tools.program("pg_dump"),
              "--format=" + format.pgDumpFlag(),
              "--no-password",
              PgClientTools.dbnameArgument(database, serviceFile)));
      if (format == ArchiveFormat.CUSTOM) {
        // -Z0 unless pg_dump compresses: our compressor then runs on the other core.
        int level = compression == Compression.PGDUMP ? settings.compressionLevel() : 0;
        command.add("--compress=" + level);
      }
      command.addAll(settings.extraArgs());
    }

    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("taskrunner-database", BackupKey.encode(database));
    metadata.put("taskrunner-run-id", ctx.runId());
    metadata.put("taskrunner-format", format.label());
    metadata.put("taskrunner-compression", compression.label());
    metadata.put("taskrunner-server-version", serverVersion);

    ShutdownCoordinator shutdown = ctx.shutdown();
    Instant lockUntil = store.settings().objectLockRetention().map(d -> start.plus(d)).orElse(null);
    try (PgPassFile passFile =
            connection.password().isPresent()
                ? PgPassFile.write(connection.password().get())
                : null;
        ShutdownCoordinator.Registration removePassFile =
            shutdown.register("remove password file", () -> closeQuietly(passFile));
        ShutdownCoordinator.Registration removeServiceFile =
            shutdown.register(
                "remove service file", () -> serviceFile.ifPresent(PgServiceFile::close))) {
      MultipartUploadSink sink =
          MultipartUploadSink.start(
              store.client(),
              store.settings(),
              key.key(),
              metadata,
              lockUntil,
              partSize,
              settings.partsInFlight(),
              store.retrier());
      AtomicLong dumped = new AtomicLong();
      Process dump = null;
      Process verifier = null;
      // Closed only after our own abort finished (or the upload completed), so that on SIGTERM the
      // launcher's cleanup waits for the abort instead of halting the JVM in the middle of it.
      ShutdownCoordinator.Registration abortUpload =
          shutdown.register("abort multipart upload " + key.key(), sink::abort);
      try (ProgressReporter dumpProgress =
              ctx.progress("backup.dump", "bytes", dumped::get, () -> -1);
          ProgressReporter uploadProgress =
              ctx.progress("backup.upload", "bytes", sink::bytesUploaded, () -> -1);
          ProgressReporter partProgress =
              ctx.progress("backup.parts", "parts", sink::partsUploaded, () -> -1)) {
        dump = tools.builder(connection, passFile, serviceFile.orElse(null), command).start();
        Process dumpProcess = dump;
        ProcessOutputLog dumpLog =
            ProcessOutputLog.follow(globals ? "pg_dumpall" : "pg_dump", dump);
        ProcessOutputLog verifyLog = null;
        OutputStream verifyIn = null;
        if (settings.verify() && format.restoredWithPgRestore()) {
          verifier =
              tools
                  .builder(
                      connection, null, List.of(tools.program("pg_restore"), "--file=/dev/null"))
                  .start();
          verifyLog = ProcessOutputLog.follow("pg_restore", verifier);
          verifyIn = verifier.getOutputStream();
        }
        Process verifyProcess = verifier;
        try (ShutdownCoordinator.Registration stopChildren =
            shutdown.register(
                "stop pg_dump",
                () -> {
                  dumpProcess.destroyForcibly();
                  if (verifyProcess != null) {
                    verifyProcess.destroyForcibly();
                  }
                })) {
          dump.getOutputStream().close();
          ArchiveShape shape = new ArchiveShape(format);
          DigestingOutputStream digest = new DigestingOutputStream(sink);
          String verifyProblem = null;
          try (OutputStream compressed =
              compression.compress(digest, settings.compressionLevel())) {
            InputStream in = dump.getInputStream();
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.read(buffer)) >= 0) {
              if (Thread.currentThread().isInterrupted() || shutdown.isStopping()) {
                throw new InterruptedException("stop requested");
              }
              if (n == 0) {
                continue;
              }
              shape.update(buffer, 0, n);
              dumped.addAndGet(n);
              if (verifyIn != null && verifyProblem == null) {
                try {
                  verifyIn.write(buffer, 0, n);
                } catch (IOException e) {
                  verifyProblem = "pg_restore stopped reading the archive: " + e.getMessage();
                }
              }
              compressed.write(buffer, 0, n);
            }
          }
          int exit = dump.waitFor();
          dumpLog.await();
          if (exit != 0) {
            throw new TaskFailure(
                ExitCode.FAILED,
                "pg_dump_failed",
                (globals ? "pg_dumpall" : "pg_dump")
                    + " exited with "
                    + exit
                    + (dumpLog.lastError().isEmpty() ? "" : ": " + dumpLog.lastError()));
          }
          String shapeProblem = shape.problem();
          if (shapeProblem != null) {
            throw new TaskFailure(ExitCode.FAILED, "archive_invalid", shapeProblem);
          }
          if (verifier != null) {
            try {
              verifyIn.close();
            } catch (IOException e) {
              verifyProblem = verifyProblem == null ? e.getMessage() : verifyProblem;
            }
            if (!verifier.waitFor(10, TimeUnit.MINUTES)) {
              verifier.destroyForcibly();
              verifyProblem = "pg_restore did not finish";
            }
            verifyLog.await();
            if (verifier.exitValue() != 0) {
              verifyProblem =
                  "pg_restore could not read the archive (exit "
                      + verifier.exitValue()
                      + ")"
                      + (verifyLog.lastError().isEmpty() ? "" : ": " + verifyLog.lastError());
            }
            if (verifyProblem != null) {
              throw new TaskFailure(ExitCode.FAILED, "verify_failed", verifyProblem);
            }
          }
          String sha256 = digest.sha256Hex();
          long size = digest.count();
          sink.complete();
          abortUpload.close();
          HeadObjectResponse head =
              store
                  .head(key.key())
                  .orElseThrow(
                      () ->
                          new TaskFailure(
                              ExitCode.FAILED,
                              "object_missing",
                              "completed object " + key.key() + " is not there"));
          if (head.contentLength() != size) {
            throw new TaskFailure(
                ExitCode.FAILED,
                "size_mismatch",
                "stored object "
                    + key.key()
                    + " has "
                    + head.contentLength()
                    + " bytes, streamed "
                    + size);
          }
          Instant end = ctx.clock().instant();
          Manifest manifest =
              new Manifest(
                  key.key(),
                  database,
                  serverVersion,
                  pgDumpMajor,
                  format.label(),
                  compression.label(),
                  compression == Compression.NONE ? 0 : settings.compressionLevel(),
                  size,
                  sha256,
                  shape.bytes(),
                  sink.partsUploaded(),
                  start.toString(),
                  end.toString(),
                  ctx.runId());
          recordChecksum(key, metadata, size, sha256);
          store.putSmall(key.manifestKey(), manifest.toJson(), "application/json");
          Duration duration = Duration.between(start, end);
          Events.event("backup.completed")
              .with("database", database)
              .with("key", key.key())
              .with("bytes", size)
              .with("dump_bytes", shape.bytes())
              .with("sha256", sha256)
              .with("parts", sink.partsUploaded())
              .with("duration_ms", duration.toMillis())
              .info(LOG, "backup of {} stored as {} ({} bytes)", database, key.key(), size);
          return new BackupResult(
              database, key.key(), size, sha256, shape.bytes(), sink.partsUploaded(), duration);
        }
      } catch (PartLimitExceeded e) {
        throw TaskFailure.usage("part_limit", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TaskFailure(ExitCode.TERMINATED, "stopped", "backup of " + database + " stopped");
      } finally {
        sink.abort();
        abortUpload.close();
        if (dump != null && dump.isAlive()) {
          dump.destroyForcibly();
        }
        if (verifier != null && verifier.isAlive()) {
          verifier.destroyForcibly();
        }
        serviceFile.ifPresent(PgServiceFile::close);
      }
    } catch (TaskFailure e) {
      throw e;
    } catch (Exception e) {
      if (ObjectStore.s3Cause(e).isPresent()) {
        throw store.failure("storing the backup of " + database, key.key(), e);
      }
      throw e;
    }
  }

  private static Optional<PgServiceFile> serviceFile(String database) throws IOException {
    try {
      return PgServiceFile.forDatabase(database);
    } catch (IllegalArgumentException e) {
      throw TaskFailure.usage("database_name", e.getMessage());
    }
  }

  private void recordChecksum(BackupKey key, Map<String, String> metadata, long size, String sha)
      throws Exception {
    if (size > MAX_SINGLE_COPY || store.settings().objectLockMode().isPresent()) {
      return;
    }
    Map<String, String> full = new LinkedHashMap<>(metadata);
    full.put("taskrunner-sha256", sha);
    full.put("taskrunner-size", Long.toString(size));
    try {
      store.replaceMetadata(key.key(), full);
    } catch (Exception e) {
      LOG.warn(
          "could not add the sha256 to the metadata of {} ({}); the manifest has it",
          key.key(),
          e.toString());
    }
  }

  private static void closeQuietly(PgPassFile file) {
    if (file != null) {
      file.close();
    }
  }
}
