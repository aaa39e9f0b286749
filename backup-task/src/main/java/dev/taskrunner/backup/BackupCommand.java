package dev.taskrunner.backup;

import dev.taskrunner.backup.archive.ArchiveFormat;
import dev.taskrunner.backup.archive.BackupKey;
import dev.taskrunner.backup.archive.Compression;
import dev.taskrunner.backup.dump.BackupResult;
import dev.taskrunner.backup.dump.BackupSettings;
import dev.taskrunner.backup.dump.DatabaseBackup;
import dev.taskrunner.backup.dump.PartMemory;
import dev.taskrunner.backup.metrics.BackupMetrics;
import dev.taskrunner.backup.postgres.ConnectionSettings;
import dev.taskrunner.backup.postgres.PgClientTools;
import dev.taskrunner.backup.postgres.PostgresServer;
import dev.taskrunner.backup.restore.ArchiveRestorer;
import dev.taskrunner.backup.restore.RestoreSettings;
import dev.taskrunner.backup.retention.RetentionPolicy;
import dev.taskrunner.backup.retention.RetentionRunner;
import dev.taskrunner.backup.storage.MultipartUploadSink;
import dev.taskrunner.backup.storage.ObjectStore;
import dev.taskrunner.backup.storage.ObjectTags;
import dev.taskrunner.backup.storage.S3Clients;
import dev.taskrunner.backup.storage.S3CredentialsUnavailable;
import dev.taskrunner.backup.storage.S3Settings;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskCommand;
import dev.taskrunner.common.TaskFailure;
import dev.taskrunner.common.TaskVersion;
import dev.taskrunner.common.config.ConfigurationException;
import dev.taskrunner.common.config.DataSize;
import dev.taskrunner.common.config.EnvVar;
import dev.taskrunner.common.config.Secret;
import dev.taskrunner.common.logging.Events;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Streams pg_dump into S3; restores, verifies and prunes what it stored. */
@Command(
    name = "backup-task",
    mixinStandardHelpOptions = true,
    customSynopsis = "backup-task [backup|restore|verify|retention] [OPTIONS]",
    versionProvider = TaskVersion.class,
    sortOptions = false,
    description = {
      "Streams pg_dump into S3-compatible storage; the object appears only when complete and"
          + " verified.",
      "",
      "Modes (the first word, or --mode / BACKUP_MODE; default backup):",
      "  backup     dump --database (or --all-databases) to S3, then apply retention",
      "  restore    stream --key K (or --latest --database D) into pg_restore/psql",
      "  verify     re-read --key K (or --latest): size, sha256, pg_restore readability",
      "  retention  apply --keep-last/--max-age to --database without a new backup",
      ""
    })
public final class BackupCommand implements TaskCommand {
  private static final Logger LOG = LoggerFactory.getLogger(BackupCommand.class);

  /** Injected by picocli: tells a flag from a variable when an error names its input. */
  @Spec CommandSpec spec;

  @Option(
      names = "--mode",
      paramLabel = "backup|restore|verify|retention",
      defaultValue = "backup",
      description = "What this run does. Default: ${DEFAULT-VALUE}.")
  Mode mode;

  // --- PostgreSQL -------------------------------------------------------------------------

  @EnvVar("PGHOST")
  @Option(
      names = "--pg-host",
      paramLabel = "HOST",
      defaultValue = "localhost",
      description = "PostgreSQL host. Default: ${DEFAULT-VALUE}.")
  String pgHost;

  @EnvVar("PGPORT")
  @Option(
      names = "--pg-port",
      paramLabel = "PORT",
      defaultValue = "5432",
      description = "PostgreSQL port. Default: ${DEFAULT-VALUE}.")
  int pgPort;

  @EnvVar("PGUSER")
  @Option(
      names = "--pg-user",
      paramLabel = "ROLE",
      defaultValue = "postgres",
      description = "PostgreSQL role. Default: ${DEFAULT-VALUE}.")
  String pgUser;

  @EnvVar("PGPASSWORD")
  @Option(
      names = "--pg-password",
      paramLabel = "SECRET",
      description =
          "PostgreSQL password (prefer PGPASSWORD_FILE). Reaches pg_dump via a 0600 PGPASSFILE.")
  Secret pgPassword;

  @EnvVar("PGSSLMODE")
  @Option(
      names = "--pg-sslmode",
      paramLabel = "MODE",
      defaultValue = "prefer",
      description = "libpq sslmode. Default: ${DEFAULT-VALUE}.")
  String pgSslMode;

  @EnvVar("PGSSLROOTCERT")
  @Option(
      names = "--pg-sslrootcert",
      paramLabel = "FILE|system",
      description =
          "Root CA(s) (PEM) the server's certificate must chain to, for verify-ca/verify-full;"
              + " 'system' for the JVM's and libpq 16+'s trust store. Default:"
              + " ~/.postgresql/root.crt.")
  String pgSslRootCert;

  @EnvVar("PGDATABASE")
  @Option(
      names = "--database",
      paramLabel = "NAME",
      description = "Database to back up (or whose backups restore --latest/retention use).")
  String database;

  @Option(
      names = "--all-databases",
      arity = "0..1",
      defaultValue = "false",
      description =
          "Back up every database that accepts connections, each to its own object, plus"
              + " pg_dumpall --globals-only. Default: ${DEFAULT-VALUE}.")
  boolean allDatabases;

  @Option(
      names = "--pg-bin-dir",
      paramLabel = "DIR",
      defaultValue = "",
      description = "Directory of pg_dump, pg_dumpall, pg_restore, psql. Default: search PATH.")
  String pgBinDir;

  // --- S3 ---------------------------------------------------------------------------------

  @Option(
      names = "--bucket",
      required = true,
      paramLabel = "NAME",
      description = "S3 bucket that receives the dumps.")
  String bucket;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      defaultValue = "backups",
      description =
          "Key prefix; keys are PREFIX/DB/DB-yyyyMMddTHHmmssZ-RUNID.EXT. Default: ${DEFAULT-VALUE}.")
  String prefix;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "Endpoint of an S3-compatible store. Default: the SDK chain (AWS_ENDPOINT_URL_S3).")
  URI s3Endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      description = "Region. Default: the SDK chain (AWS_REGION, profile), else us-east-1.")
  String s3Region;

  @Option(
      names = "--s3-path-style",
      arity = "0..1",
      defaultValue = "false",
      description = "Path-style URLs (most S3-compatible stores). Default: ${DEFAULT-VALUE}.")
  boolean s3PathStyle;

  @Option(
      names = "--s3-checksum",
      paramLabel = "when_supported|when_required",
      defaultValue = "when_supported",
      description =
          "SDK request checksums; many S3-compatible stores need when_required. Default:"
              + " ${DEFAULT-VALUE}.")
  String s3Checksum;

  @Option(
      names = "--s3-access-key-id",
      paramLabel = "ID",
      description = "Static access key id. Default: the SDK chain (AWS_ACCESS_KEY_ID, IRSA...).")
  String s3AccessKeyId;

  @Option(
      names = "--s3-secret-access-key",
      paramLabel = "SECRET",
      description = "Static secret key (prefer BACKUP_S3_SECRET_ACCESS_KEY_FILE).")
  Secret s3SecretAccessKey;

  @Option(
      names = "--s3-sse",
      paramLabel = "none|aes256|aws:kms",
      defaultValue = "none",
      description = "Server-side encryption. Default: ${DEFAULT-VALUE}.")
  String s3Sse;

  @Option(names = "--s3-kms-key-id", paramLabel = "KEY", description = "KMS key for aws:kms.")
  String s3KmsKeyId;

  @Option(
      names = "--s3-storage-class",
      paramLabel = "CLASS",
      description = "Storage class, e.g. STANDARD_IA. Default: the bucket's.")
  String s3StorageClass;

  @Option(
      names = "--s3-tags",
      paramLabel = "K=V&K2=V2",
      description = "Object tags. Default: none.")
  String s3Tags;

  @Option(
      names = "--s3-object-lock-mode",
      paramLabel = "governance|compliance",
      description = "Object Lock mode (the bucket must have Object Lock). Forces Content-MD5.")
  String s3ObjectLockMode;

  @Option(
      names = "--s3-object-lock-retention",
      paramLabel = "DURATION",
      description = "Retain-until = backup start + this (e.g. 30d). Required with a lock mode.")
  Duration s3ObjectLockRetention;

  @Option(
      names = "--s3-content-md5",
      arity = "0..1",
      defaultValue = "false",
      description = "Send Content-MD5 with every part. Default: ${DEFAULT-VALUE}.")
  boolean s3ContentMd5;

  @Option(
      names = "--s3-create-only",
      arity = "0..1",
      defaultValue = "true",
      description =
          "Complete uploads with If-None-Match: * so nothing is overwritten. Default:"
              + " ${DEFAULT-VALUE}.")
  boolean s3CreateOnly;

  // --- dump -------------------------------------------------------------------------------

  @Option(
      names = "--format",
      paramLabel = "custom|plain|tar",
      defaultValue = "custom",
      description = "pg_dump format. Default: ${DEFAULT-VALUE}.")
  ArchiveFormat format;

  @Option(
      names = "--compression",
      paramLabel = "zstd|gzip|pgdump|none",
      defaultValue = "zstd",
      description =
          "zstd/gzip compress in this process (pg_dump writes -Z0); pgdump uses pg_dump's own"
              + " (custom format only). Default: ${DEFAULT-VALUE}.")
  Compression compression;

  @Option(
      names = "--compression-level",
      paramLabel = "N",
      description = "Compression level. Default: zstd 3, gzip 6, pgdump 6.")
  Integer compressionLevel;

  @Option(
      names = "--part-size",
      paramLabel = "SIZE",
      description =
          "Multipart part size, 5MiB..2GiB. Default: from pg_database_size, for at most ~9000"
              + " parts, at least 8MiB.")
  DataSize partSize;

  @Option(
      names = "--parts-in-flight",
      paramLabel = "N",
      defaultValue = "2",
      description =
          "Parts uploading at once; memory is about (N + 1) x part size. Default: ${DEFAULT-VALUE}.")
  int partsInFlight;

  @Option(
      names = "--verify",
      arity = "0..1",
      defaultValue = "false",
      description =
          "Also feed the dump to pg_restore while uploading; fail if it cannot read it to the"
              + " end. Default: ${DEFAULT-VALUE}.")
  boolean verify;

  @Option(
      names = "--pg-dump-arg",
      paramLabel = "ARG",
      split = " ",
      description = "Extra pg_dump argument (repeatable; env: space-separated).")
  List<String> pgDumpArgs = new ArrayList<>();

  // --- restore ----------------------------------------------------------------------------

  @Option(names = "--key", paramLabel = "KEY", description = "restore/verify: the archive's key.")
  String key;

  @Option(
      names = "--latest",
      arity = "0..1",
      defaultValue = "false",
      description = "restore/verify: the newest backup of --database.")
  boolean latest;

  @Option(
      names = "--target-database",
      paramLabel = "NAME",
      description = "restore: database to restore into. Default: the backup's database.")
  String targetDatabase;

  @Option(
      names = "--create-target",
      arity = "0..1",
      defaultValue = "false",
      description = "restore: create the target database first. Default: ${DEFAULT-VALUE}.")
  boolean createTarget;

  @Option(
      names = "--restore-arg",
      paramLabel = "ARG",
      split = " ",
      description = "restore: extra pg_restore/psql argument, e.g. --no-owner (repeatable).")
  List<String> restoreArgs = new ArrayList<>();

  // --- retention --------------------------------------------------------------------------

  @Option(
      names = "--keep-last",
      paramLabel = "N",
      description = "Retention: keep the newest N backups of each database. Default: unset.")
  Integer keepLast;

  @Option(
      names = "--max-age",
      paramLabel = "DURATION",
      description = "Retention: keep backups younger than this (e.g. 30d). Default: unset.")
  Duration maxAge;

  @Option(
      names = "--keep-min",
      paramLabel = "N",
      defaultValue = "1",
      description = "Retention: never keep fewer than N. Default: ${DEFAULT-VALUE}.")
  int keepMin;

  @Option(
      names = "--dry-run",
      arity = "0..1",
      defaultValue = "false",
      description = "Retention: log the plan, delete nothing. Default: ${DEFAULT-VALUE}.")
  boolean dryRun;

  @Override
  public void train(RunContext ctx) throws Exception {
    S3Settings s3 = s3Settings();
    backupSettings();
    retentionPolicy();
    try (S3Client client = S3Clients.create(s3)) {
      LOG.debug("trained with client {}", client.serviceName());
    }
  }

  @Override
  public ExitCode run(RunContext ctx) throws Exception {
    S3Settings s3 = s3Settings();
    ConnectionSettings pg = connectionSettings();
    PgClientTools tools = new PgClientTools(pgBinDir);
    RetentionPolicy retention = retentionPolicy();
    Mode effective = effectiveMode();
    BackupSettings settings = effective == Mode.BACKUP ? backupSettings() : null;
    // Building the S3 client loads a few thousand classes: that happens on another core while the
    // preflight talks to PostgreSQL. No S3 call is made before the preflight has passed.
    CompletableFuture<S3Client> building =
        CompletableFuture.supplyAsync(
            () -> S3Clients.create(s3),
            r -> Thread.ofPlatform().daemon().name("s3-client-build").start(r));
    Preflight preflight;
    try {
      preflight = effective == Mode.BACKUP ? preflight(pg, tools, settings) : null;
    } catch (Exception | Error e) {
      building.thenAccept(client -> client.close());
      throw e;
    }
    try (S3Client client = built(building)) {
      ObjectStore store = new ObjectStore(client, s3, ctx.retrier());
      BackupMetrics metrics = new BackupMetrics(ctx.meters());
      return switch (effective) {
        case BACKUP -> backup(ctx, store, pg, tools, settings, retention, metrics, preflight);
        case RESTORE, VERIFY -> {
          try {
            yield restore(ctx, store, pg, tools);
          } catch (TaskFailure e) {
            throw e;
          } catch (Exception e) {
            if (ObjectStore.s3Cause(e).isPresent() || S3CredentialsUnavailable.in(e).isPresent()) {
              throw store.failure("reading the archive", key, e);
            }
            throw e;
          }
        }
        case RETENTION -> {
          if (database == null || !retention.enabled()) {
            throw new ConfigurationException(
                "--mode retention", "needs --database and --keep-last or --max-age");
          }
          yield applyRetention(ctx, store, metrics, database, retention, Optional.empty());
        }
      };
    }
  }

  private static S3Client built(CompletableFuture<S3Client> building) {
    try {
      return building.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * What the preflight found.
   *
   * @param targets the databases to back up, with their sizes
   * @param failures databases of {@code --all-databases} that could not be inspected
   * @param pgDumpMajor major version of pg_dump
   * @param serverVersion the server's version string
   */
  private record Preflight(
      List<PostgresServer.DatabaseFacts> targets,
      int failures,
      int pgDumpMajor,
      String serverVersion) {}

  /** Before any S3 call: pg_dump's version against the server's, databases exist, sizes. */
  private Preflight preflight(ConnectionSettings pg, PgClientTools tools, BackupSettings settings) {
    if (database == null && !allDatabases) {
      throw new ConfigurationException(
          "--database", "set --database (PGDATABASE) or --all-databases");
    }
    // Preflight, before any S3 write: pg_dump version vs server, databases, bucket.
    int pgDumpMajor = pgDumpMajor(tools);
    if (pg.sslRootCert().filter(ConnectionSettings.SYSTEM_ROOT_CERT::equals).isPresent()
        && pgDumpMajor < 16) {
      // libpq before 16 reads "system" as a file name; pg_dump would fail after the upload began.
      throw new ConfigurationException(
          SSL_ROOT_CERT_OPTION,
          "'system' needs pg_dump (libpq) 16 or newer, found "
              + pgDumpMajor
              + "; give the CA as a PEM file");
    }
    PostgresServer server = new PostgresServer(pg);
    String maintenance = database != null ? database : "postgres";
    List<PostgresServer.DatabaseFacts> targets = new ArrayList<>();
    int failures = 0;
    try {
      List<String> names = allDatabases ? server.listDatabases(maintenance) : List.of(database);
      for (String name : names) {
        try {
          targets.add(server.inspect(name));
        } catch (SQLException e) {
          if (!allDatabases) {
            throw e;
          }
          // One unreachable database must not stop the others (exit 3 at the end).
          failures++;
          Events.event("backup.failed")
              .with("database", name)
              .with("reason", "preflight")
              .error(LOG, "backup of {} failed in preflight: {}", name, e.getMessage());
        }
      }
    } catch (SQLException e) {
      throw sqlFailure(e, pg);
    }
    if (targets.isEmpty()) {
      throw new TaskFailure(ExitCode.FAILED, "no_database", "no database could be inspected");
    }
    int serverMajor = targets.get(0).serverMajor();
    String serverVersion = targets.get(0).serverVersion();
    if (pgDumpMajor < serverMajor) {
      throw TaskFailure.usage(
          "version_mismatch",
          "pg_dump "
              + pgDumpMajor
              + " is older than the server ("
              + serverVersion
              + "); use a pg_dump of major "
              + serverMajor
              + " or newer (--pg-bin-dir)");
    }
    checkPartMemory(settings, targets);
    return new Preflight(targets, failures, pgDumpMajor, serverVersion);
  }

  /**
   * Refuses part buffers that cannot fit the heap, before anything is written: otherwise an
   * OutOfMemoryError would end the run in the middle of the upload (the largest database decides).
   */
  private static void checkPartMemory(
      BackupSettings settings, List<PostgresServer.DatabaseFacts> targets) {
    long largest = targets.stream().mapToLong(PostgresServer.DatabaseFacts::bytes).max().orElse(0);
    PartMemory memory =
        new PartMemory(
            settings.partSizeFor(largest),
            settings.partsInFlight(),
            settings.partSize().isPresent(),
            largest);
    memory
        .problem(Runtime.getRuntime().maxMemory())
        .ifPresent(
            problem -> {
              throw new ConfigurationException(
                  settings.partSize().isPresent()
                      ? "--part-size (env BACKUP_PART_SIZE)"
                      : "--parts-in-flight (env BACKUP_PARTS_IN_FLIGHT)",
                  problem);
            });
  }

  private ExitCode backup(
      RunContext ctx,
      ObjectStore store,
      ConnectionSettings pg,
      PgClientTools tools,
      BackupSettings settings,
      RetentionPolicy retention,
      BackupMetrics metrics,
      Preflight preflight)
      throws Exception {
    List<PostgresServer.DatabaseFacts> targets = preflight.targets();
    int failures = preflight.failures();
    int pgDumpMajor = preflight.pgDumpMajor();
    String serverVersion = preflight.serverVersion();
    checkBucket(store);

    DatabaseBackup backup = new DatabaseBackup(ctx, store, pg, tools, settings);
    ExitCode result = ExitCode.SUCCESS;
    int attempted = failures;
    List<String> items = new ArrayList<>();
    targets.forEach(t -> items.add(t.database()));
    if (allDatabases) {
      items.add(BackupKey.GLOBALS);
    }
    for (String name : items) {
      long size =
          targets.stream()
              .filter(t -> t.database().equals(name))
              .mapToLong(PostgresServer.DatabaseFacts::bytes)
              .findFirst()
              .orElse(0);
      Instant start = ctx.clock().instant();
      BackupResult stored;
      try {
        stored = backup.run(name, size, serverVersion, pgDumpMajor);
      } catch (TaskFailure e) {
        if (!allDatabases
            || ctx.shutdown().isStopping()
            || e.exitCode() == ExitCode.USAGE
            || e.exitCode() == ExitCode.TERMINATED) {
          throw e;
        }
        failures++;
        metrics.backupDuration(name, secondsSince(ctx, start));
        Events.event("backup.failed")
            .with("database", name)
            .with("reason", e.reason())
            .error(LOG, "backup of {} failed: {}", name, e.getMessage());
        continue;
      } catch (Exception e) {
        if (!allDatabases || ctx.shutdown().isStopping()) {
          throw e;
        }
        failures++;
        Events.event("backup.failed")
            .with("database", name)
            .with("reason", "unexpected")
            .error(LOG, "backup of {} failed: {}", name, e.toString());
        continue;
      }
      Instant end = ctx.clock().instant();
      metrics.backupSucceeded(
          name, stored.sizeBytes(), stored.duration().toMillis() / 1000.0, end.getEpochSecond());
      if (retention.enabled() && !name.equals(BackupKey.GLOBALS)) {
        result =
            result.worst(
                applyRetention(ctx, store, metrics, name, retention, Optional.of(stored.key())));
      }
    }
    if (failures > 0) {
      return failures == items.size() + attempted ? ExitCode.FAILED : ExitCode.PARTIAL;
    }
    return result;
  }

  private ExitCode applyRetention(
      RunContext ctx,
      ObjectStore store,
      BackupMetrics metrics,
      String name,
      RetentionPolicy policy,
      Optional<String> protectedKey) {
    try {
      new RetentionRunner(store, metrics).apply(name, policy, protectedKey, ctx.clock().instant());
      return ExitCode.SUCCESS;
    } catch (Exception e) {
      if (S3CredentialsUnavailable.in(e).isPresent()) {
        // Not a retention problem: the whole run had no usable credentials.
        throw store.failure(
            "listing backups", BackupKey.folder(store.settings().prefix(), name), e);
      }
      metrics.retentionFailed(name);
      String why =
          ObjectStore.s3Cause(e).isPresent()
              ? store
                  .failure(
                      "listing or deleting", BackupKey.folder(store.settings().prefix(), name), e)
                  .getMessage()
              : e.toString();
      Events.event("retention.failed")
          .with("database", name)
          .error(LOG, "retention for {} failed (the backup itself is good): {}", name, why);
      return ExitCode.PARTIAL;
    }
  }

  private ExitCode restore(
      RunContext ctx, ObjectStore store, ConnectionSettings pg, PgClientTools tools)
      throws Exception {
    if ((key == null) == !latest) {
      throw new ConfigurationException("--key", "give exactly one of --key and --latest");
    }
    RestoreSettings settings =
        new RestoreSettings(
            Optional.ofNullable(key),
            latest,
            Optional.ofNullable(database),
            Optional.ofNullable(targetDatabase),
            createTarget,
            List.copyOf(restoreArgs));
    ArchiveRestorer restorer = new ArchiveRestorer(ctx, store, pg, tools);
    BackupKey archive = restorer.resolve(settings);
    if (effectiveMode() == Mode.VERIFY) {
      restorer.restore(archive, Optional.empty(), settings);
    } else {
      String target =
          targetDatabase != null
              ? targetDatabase
              : archive.database().equals(BackupKey.GLOBALS) ? "postgres" : archive.database();
      try {
        restorer.restore(archive, Optional.of(target), settings);
      } catch (SQLException e) {
        // --create-target talks JDBC first: a refused login is configuration here too.
        throw sqlFailure(e, pg);
      }
    }
    return ExitCode.SUCCESS;
  }

  private int pgDumpMajor(PgClientTools tools) {
    try {
      return tools.majorVersion("pg_dump");
    } catch (java.io.IOException e) {
      throw TaskFailure.usage("pg_dump_missing", "cannot run pg_dump: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailure(ExitCode.TERMINATED, "stopped", "stopped");
    }
  }

  private static TaskFailure sqlFailure(SQLException e, ConnectionSettings pg) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("3D000")) {
      return TaskFailure.usage("database_missing", "database does not exist: " + e.getMessage());
    }
    if (untrustedServer(e)) {
      // The server's certificate does not chain to the given CA, or names another host: the same
      // certificate and CA give the same answer on every retry.
      return TaskFailure.usage(
          "pg_tls_untrusted",
          "PostgreSQL "
              + pg
              + " presented a certificate that --pg-sslrootcert (PGSSLROOTCERT) does not"
              + " verify: "
              + rootMessage(e));
    }
    if (state.startsWith("28")) {
      // Wrong password, unknown role, no pg_hba.conf entry: a retry gets the same answer.
      return TaskFailure.usage(
          "pg_auth_failed",
          "PostgreSQL "
              + pg
              + " rejected the login (check --pg-user/PGUSER and --pg-password/PGPASSWORD/"
              + "PGPASSWORD_FILE): "
              + e.getMessage());
    }
    if (state.equals("08004")) {
      // pgjdbc's "connection rejected" is always set-up: a password the server wants and nobody
      // gave, an auth method or SSL/GSS mode the two sides do not share. Not worth a retry.
      if (pg.password().isEmpty()) {
        return TaskFailure.usage(
            "pg_auth_failed",
            "PostgreSQL "
                + pg
                + " asks for a password and none was given: set PGPASSWORD_FILE, PGPASSWORD or"
                + " --pg-password (an empty PGPASSWORD counts as unset): "
                + e.getMessage());
      }
      return TaskFailure.usage(
          "pg_connection_rejected",
          "PostgreSQL " + pg + " refused the connection: " + e.getMessage());
    }
    return new TaskFailure(
        ExitCode.FAILED, "pg_unreachable", "cannot query PostgreSQL: " + e.getMessage(), e);
  }

  /** A certificate verdict (trust path, expiry, host name), not a network failure. */
  static boolean untrustedServer(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException
          || t instanceof CertPathValidatorException
          || t instanceof CertPathBuilderException) {
        return true;
      }
      String m = t.getMessage() == null ? "" : t.getMessage();
      // pgjdbc's own messages for a host-name mismatch and an unusable root CA file.
      if (m.contains("could not be verified by hostnameverifier")
          || m.startsWith("Could not open SSL root certificate file")
          || m.startsWith("Loading the SSL root certificate")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The innermost message: "PKIX path building failed..." rather than the wrappers' "SSL error".
   */
  private static String rootMessage(Throwable e) {
    String message = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message;
  }

  private static void checkBucket(ObjectStore store) throws Exception {
    try {
      store.checkBucket();
    } catch (S3CredentialsUnavailable e) {
      throw store.failure("checking the bucket", null, e);
    } catch (SdkException e) {
      if (e instanceof S3Exception s
          && (s.statusCode() == 404 || s.statusCode() == 403 || s.statusCode() == 400)) {
        throw TaskFailure.usage(
            "bucket_unreachable",
            "HeadBucket on "
                + store.location(null)
                + " answered "
                + s.statusCode()
                + " (missing bucket or no permission)");
      }
      throw store.failure("checking the bucket", null, e);
    }
  }

  private static double secondsSince(RunContext ctx, Instant start) {
    return Duration.between(start, ctx.clock().instant()).toMillis() / 1000.0;
  }

  // --- configuration to records -----------------------------------------------------------

  Mode effectiveMode() {
    return mode;
  }

  /**
   * Lets the mode be the first word, as a subcommand ({@code backup-task restore --latest ...}): it
   * becomes {@code --mode=WORD}, so the effective configuration shows it and its source.
   */
  static String[] modeWordAsFlag(String[] args) {
    if (args.length == 0) {
      return args;
    }
    for (Mode m : Mode.values()) {
      if (m.name().equalsIgnoreCase(args[0])) {
        String[] out = args.clone();
        out[0] = "--mode=" + m.name().toLowerCase(Locale.ROOT);
        return out;
      }
    }
    return args;
  }

  /** libpq's sslmode values: anything else is a typo that a retry cannot fix. */
  private static final List<String> SSL_MODES =
      List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  ConnectionSettings connectionSettings() {
    if (pgPort < 1 || pgPort > 65535) {
      throw new ConfigurationException(
          "--pg-port (env PGPORT)", "must be 1 to 65535, got " + pgPort);
    }
    if (!SSL_MODES.contains(pgSslMode)) {
      throw new ConfigurationException(
          "--pg-sslmode (env PGSSLMODE)", "must be one of " + String.join(", ", SSL_MODES));
    }
    for (String[] named :
        List.of(
            new String[] {"--pg-host (env PGHOST)", pgHost},
            new String[] {"--pg-user (env PGUSER)", pgUser},
            new String[] {"--database (env PGDATABASE)", database})) {
      // An empty variable is unset (the default applies); only an explicit empty flag gets here.
      if (named[1] != null && named[1].isBlank()) {
        throw new ConfigurationException(named[0], "must not be empty");
      }
    }
    if (pgPassword != null && pgPassword.isEmpty()) {
      // An empty mounted Secret (or --pg-password=) is a mistake; sent as is, the server's refusal
      // would come back as a connection error. Unset means "no password" (trust, PGPASSFILE).
      throw emptyPassword();
    }
    return new ConnectionSettings(
        pgHost, pgPort, pgUser, Optional.ofNullable(pgPassword), pgSslMode, sslRootCert());
  }

  private static final String SSL_ROOT_CERT_OPTION = "--pg-sslrootcert (env PGSSLROOTCERT)";

  /**
   * The root CA, checked now: pgjdbc and libpq would each report a missing or unusable file only at
   * connect time, as a connection failure the Job retries.
   */
  private Optional<String> sslRootCert() {
    if (pgSslRootCert != null && pgSslRootCert.isBlank()) {
      throw new ConfigurationException(SSL_ROOT_CERT_OPTION, "must not be empty");
    }
    if (ConnectionSettings.SYSTEM_ROOT_CERT.equals(pgSslRootCert)) {
      return Optional.of(pgSslRootCert);
    }
    boolean verifies = pgSslMode.equals("verify-ca") || pgSslMode.equals("verify-full");
    if (pgSslRootCert == null) {
      if (verifies) {
        // libpq's and pgjdbc's default location; without it neither can verify anything.
        Path fallback = Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
        if (!Files.isReadable(fallback)) {
          throw new ConfigurationException(
              SSL_ROOT_CERT_OPTION,
              "sslmode "
                  + pgSslMode
                  + " needs the server's root CA and the default "
                  + fallback
                  + " is not readable: set a PEM file (a mounted Secret) or 'system'");
        }
      }
      return Optional.empty();
    }
    Path file = Path.of(pgSslRootCert);
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new ConfigurationException(SSL_ROOT_CERT_OPTION, file + " holds no PEM certificate");
      }
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(SSL_ROOT_CERT_OPTION, "file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigurationException(
          SSL_ROOT_CERT_OPTION,
          "cannot read "
              + file
              + (e instanceof AccessDeniedException ? ": permission denied" : ": " + e));
    } catch (CertificateException e) {
      throw new ConfigurationException(
          SSL_ROOT_CERT_OPTION, file + " is not a PEM certificate file: " + e.getMessage());
    }
    return Optional.of(file.toString());
  }

  /** An empty password can only come from the flag or the file: an empty variable is unset. */
  private ConfigurationException emptyPassword() {
    if (spec != null && spec.commandLine().getParseResult().hasMatchedOption("--pg-password")) {
      return new ConfigurationException(
          "--pg-password (env PGPASSWORD)",
          "is empty; leave it unset if the server needs no password");
    }
    // The launcher's environment is the process environment.
    String file = System.getenv("PGPASSWORD_FILE");
    return new ConfigurationException(
        "PGPASSWORD_FILE",
        (file == null ? "the file" : "file " + file)
            + " is empty (an empty Secret key?); unset it if the server needs no password");
  }

  /** Bucket names of AWS (including legacy us-east-1 ones) and of the S3-compatible stores. */
  private static final Pattern VALID_BUCKET = Pattern.compile("[A-Za-z0-9._-]{1,255}");

  S3Settings s3Settings() {
    if (s3Endpoint != null) {
      // The SDK rejects these only at the first request, as an "unexpected" exit 1 the Job retries.
      String scheme = s3Endpoint.getScheme() == null ? "" : s3Endpoint.getScheme();
      if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
        throw new ConfigurationException("--s3-endpoint", "must be an http:// or https:// URL");
      }
      if (s3Endpoint.getHost() == null
          || s3Endpoint.getPort() == 0
          || s3Endpoint.getPort() > 65535) {
        throw new ConfigurationException(
            "--s3-endpoint", "needs a host and a port from 1 to 65535");
      }
    }
    S3Settings.ChecksumMode checksum;
    try {
      checksum = S3Settings.ChecksumMode.valueOf(s3Checksum.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "--s3-checksum", "must be when_supported or when_required, got '" + s3Checksum + "'");
    }
    String sse = s3Sse.toLowerCase(Locale.ROOT);
    if (!List.of("none", "aes256", "aws:kms").contains(sse)) {
      throw new ConfigurationException("--s3-sse", "must be none, aes256 or aws:kms");
    }
    Map<String, String> tags;
    try {
      tags = ObjectTags.parse(s3Tags);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--s3-tags", e.getMessage());
    }
    Optional<String> lockMode = Optional.ofNullable(s3ObjectLockMode).map(String::toLowerCase);
    if (lockMode.isPresent() && !List.of("governance", "compliance").contains(lockMode.get())) {
      throw new ConfigurationException("--s3-object-lock-mode", "must be governance or compliance");
    }
    if (lockMode.isPresent() != (s3ObjectLockRetention != null)) {
      throw new ConfigurationException(
          "--s3-object-lock-retention", "set both --s3-object-lock-mode and a retention");
    }
    if (s3ObjectLockRetention != null
        && (s3ObjectLockRetention.isZero() || s3ObjectLockRetention.isNegative())) {
      // S3 would refuse a retain-until in the past only at the first part, as a runtime failure.
      throw new ConfigurationException(
          "--s3-object-lock-retention", "must be positive, got " + s3ObjectLockRetention);
    }
    if (s3KmsKeyId != null && !sse.equals("aws:kms")) {
      throw new ConfigurationException(
          "--s3-kms-key-id", "is used only with --s3-sse aws:kms, not " + sse);
    }
    if ((s3AccessKeyId == null) != (s3SecretAccessKey == null)) {
      throw new ConfigurationException(
          "--s3-secret-access-key", "set both static keys, or neither (SDK default chain)");
    }
    if (bucket.isBlank()) {
      throw new ConfigurationException("--bucket", "must not be empty");
    }
    if (!VALID_BUCKET.matcher(bucket).matches()) {
      // A slash or space would silently become part of the request path; no store allows them.
      throw new ConfigurationException(
          "--bucket", "'" + bucket + "' is not a bucket name (letters, digits, '.', '-', '_')");
    }
    String cleanPrefix = prefix.replaceAll("^/+|/+$", "");
    for (String segment : cleanPrefix.isEmpty() ? new String[0] : cleanPrefix.split("/", -1)) {
      // "." and ".." are path steps to file-system-backed stores (MinIO refuses them, others
      // resolve them); an empty segment is a typo that makes keys nobody would look for.
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new ConfigurationException(
            "--prefix", "'" + prefix + "' has an empty, '.' or '..' segment");
      }
    }
    if (cleanPrefix.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigurationException("--prefix", "must not contain control characters");
    }
    return new S3Settings(
        bucket,
        cleanPrefix,
        Optional.ofNullable(s3Endpoint),
        Optional.ofNullable(s3Region).filter(r -> !r.isBlank()),
        s3PathStyle,
        checksum,
        Optional.ofNullable(s3AccessKeyId),
        Optional.ofNullable(s3SecretAccessKey),
        sse,
        Optional.ofNullable(s3KmsKeyId),
        Optional.ofNullable(s3StorageClass),
        tags,
        lockMode,
        Optional.ofNullable(s3ObjectLockRetention),
        s3ContentMd5,
        s3CreateOnly);
  }

  BackupSettings backupSettings() {
    if (compression == Compression.PGDUMP && format != ArchiveFormat.CUSTOM) {
      throw new ConfigurationException(
          "--compression", "pgdump compression needs --format custom; use gzip or zstd");
    }
    int level = compressionLevel == null ? compression.defaultLevel() : compressionLevel;
    boolean levelOk =
        switch (compression) {
          case NONE -> true;
          case GZIP, PGDUMP -> level >= 0 && level <= 9;
          case ZSTD -> level >= -7 && level <= 22 && level != 0;
        };
    if (!levelOk) {
      throw new ConfigurationException(
          "--compression-level", "level " + level + " is out of range for " + compression.label());
    }
    if (partSize != null
        && (partSize.bytes() < MultipartUploadSink.MIN_PART_SIZE
            || partSize.bytes() > MultipartUploadSink.MAX_PART_SIZE)) {
      throw new ConfigurationException("--part-size", "must be between 5MiB and 2047MiB");
    }
    if (partsInFlight < 1 || partsInFlight > 16) {
      throw new ConfigurationException("--parts-in-flight", "must be between 1 and 16");
    }
    return new BackupSettings(
        format,
        compression,
        level,
        Optional.ofNullable(partSize).map(DataSize::bytes),
        partsInFlight,
        verify,
        List.copyOf(pgDumpArgs));
  }

  RetentionPolicy retentionPolicy() {
    if (keepLast != null && keepLast < 1) {
      throw new ConfigurationException("--keep-last", "must be at least 1, got " + keepLast);
    }
    if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
      throw new ConfigurationException("--max-age", "must be positive, got " + maxAge);
    }
    if (keepMin < 1) {
      throw new ConfigurationException("--keep-min", "must be at least 1, got " + keepMin);
    }
    return new RetentionPolicy(
        Optional.ofNullable(keepLast), Optional.ofNullable(maxAge), keepMin, dryRun);
  }
}
