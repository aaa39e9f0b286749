package dev.taskrunner.certcheck;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.TrustStore;
import dev.taskrunner.certcheck.decode.CertificateDecoder;
import dev.taskrunner.certcheck.decode.DecodeFailure;
import dev.taskrunner.certcheck.endpoint.EndpointProber;
import dev.taskrunner.certcheck.file.FileScanner;
import dev.taskrunner.certcheck.kubernetes.CertManagerScanner;
import dev.taskrunner.certcheck.kubernetes.KubernetesSelection;
import dev.taskrunner.certcheck.kubernetes.SecretScanner;
import dev.taskrunner.certcheck.report.CertcheckMetrics;
import dev.taskrunner.certcheck.report.ExitCodeStyle;
import dev.taskrunner.certcheck.report.ReportFile;
import dev.taskrunner.certcheck.report.ResultFields;
import dev.taskrunner.certcheck.report.RunSummary;
import dev.taskrunner.certcheck.result.CertificateFacts;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetId;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.target.EndpointSyntax;
import dev.taskrunner.certcheck.target.EndpointTarget;
import dev.taskrunner.certcheck.target.Shard;
import dev.taskrunner.certcheck.training.LoopbackTlsServers;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.RunContext;
import dev.taskrunner.common.TaskCommand;
import dev.taskrunner.common.TaskVersion;
import dev.taskrunner.common.config.ConfigurationException;
import dev.taskrunner.common.config.DurationParser;
import dev.taskrunner.common.config.EnvVar;
import dev.taskrunner.common.config.Secret;
import dev.taskrunner.common.logging.Events;
import dev.taskrunner.common.logging.ProgressReporter;
import dev.taskrunner.common.shutdown.ShutdownCoordinator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks TLS endpoints, certificate files and Kubernetes Secrets / cert-manager Certificates for
 * expiry and chain problems, logs one event per certificate and target, pushes exporter-compatible
 * metrics and exits with a code that says whether anything was found.
 */
@Command(
    name = "certcheck-task",
    mixinStandardHelpOptions = true,
    versionProvider = TaskVersion.class,
    sortOptions = false,
    description =
        "Reports days to expiry of TLS endpoints, certificate files and Kubernetes Secrets.")
public final class CertcheckCommand implements TaskCommand {
  /** Keystore (PKCS#12) whose keys serve the loopback handshakes of the AOT training run. */
  static final String TRAINING_KEYSTORE = "TASKRUNNER_AOT_TRAIN_KEYSTORE";

  /**
   * Enough handshakes per key for the JIT to compile the TLS and curve code the cache profiles, few
   * enough that an image build spends seconds on it.
   */
  static final int TRAINING_HANDSHAKES_PER_KEY = 300;

  private static final Logger LOG = LoggerFactory.getLogger(CertcheckCommand.class);

  /** A Kubernetes namespace name: an RFC 1123 label. */
  private static final java.util.regex.Pattern NAMESPACE =
      java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** The shard options as error messages name them: the flag and the variable users set. */
  private static final String SHARD_INDEX = "--shard-index (env JOB_COMPLETION_INDEX)";

  private static final String SHARD_COUNT = "--shard-count (env CERTCHECK_SHARD_COUNT)";

  @Option(
      names = "--target",
      split = ",",
      paramLabel = "ENDPOINT",
      description =
          "TLS endpoint HOST:PORT[;sni=NAME][;starttls=smtp|imap|postgres|postgres-direct]"
              + "[;label=TEXT] (repeatable; env: comma-separated).")
  List<String> targets = new ArrayList<>();

  @Option(
      names = "--targets-file",
      paramLabel = "FILE",
      description = "File with one endpoint per line in the --target form; # starts a comment.")
  Path targetsFile;

  @Option(
      names = "--file",
      split = ",",
      paramLabel = "PATH",
      description =
          "Certificate file, directory (its entries) or glob; PEM, DER, PKCS#12, JKS, JCEKS,"
              + " recognised by content (repeatable; env: comma-separated).")
  List<String> files = new ArrayList<>();

  @Option(
      names = "--keystore-password",
      paramLabel = "SECRET",
      description =
          "Password of PKCS#12/JKS/JCEKS files, --ca-file truststores and Secret keystores. Set it with"
              + " CERTCHECK_KEYSTORE_PASSWORD or CERTCHECK_KEYSTORE_PASSWORD_FILE, not the flag.")
  Secret keystorePassword;

  @Option(
      names = "--kubernetes",
      defaultValue = "false",
      description =
          "Check TLS Secrets (and Secrets with tls.crt/ca.crt) with the pod's service account or"
              + " KUBECONFIG.")
  boolean kubernetes;

  @Option(
      names = "--namespace",
      split = ",",
      paramLabel = "NS",
      description = "Namespaces to read (repeatable; env: comma-separated). Default: all.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--label-selector",
      paramLabel = "SELECTOR",
      defaultValue = "",
      description = "Kubernetes label selector for Secrets and Certificates, e.g. app=web.")
  String labelSelector;

  @Option(
      names = "--cert-manager",
      paramLabel = "auto|on|off",
      defaultValue = "auto",
      description =
          "Check cert-manager Certificate status with --kubernetes: auto = when the CRD is served."
              + " Default: ${DEFAULT-VALUE}.")
  String certManager;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      description = "Check only shard I of N (0-based); targets are split by a hash of their name.")
  String shard;

  @EnvVar("JOB_COMPLETION_INDEX")
  @Option(
      names = "--shard-index",
      paramLabel = "I",
      description =
          "Shard index when --shard is not given (an Indexed Job sets JOB_COMPLETION_INDEX).")
  Integer shardIndex;

  @Option(
      names = "--shard-count",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Number of shards for --shard-index (the Job's completions). Default: ${DEFAULT-VALUE}.")
  int shardCount;

  @Option(
      names = "--warn",
      paramLabel = "DURATION|PCT%",
      defaultValue = "28d",
      description =
          "WARN when less than this is left, or less than PCT%% of the certificate's lifetime."
              + " Default: ${DEFAULT-VALUE}.")
  String warn;

  @Option(
      names = "--crit",
      paramLabel = "DURATION|PCT%",
      defaultValue = "14d",
      description = "CRIT threshold, same forms as --warn. Default: ${DEFAULT-VALUE}.")
  String crit;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description =
          "Total time per endpoint for name resolution, connect, STARTTLS and handshake."
              + " Default: ${DEFAULT-VALUE}.")
  Duration deadline;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "32",
      description = "Endpoints checked at once. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(
      names = "--per-host",
      paramLabel = "N",
      defaultValue = "8",
      description = "Endpoints checked at once on one host. Default: ${DEFAULT-VALUE}.")
  int perHost;

  @Option(
      names = "--ca-file",
      split = ",",
      paramLabel = "FILE",
      description = "Extra trusted CA certificates (PEM/DER bundle; repeatable).")
  List<Path> caFiles = new ArrayList<>();

  @Option(
      names = "--system-trust",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Trust the JDK's CA certificates (--no-system-trust: only --ca-file). Default: ${DEFAULT-VALUE}.")
  boolean systemTrust;

  @Option(
      names = "--exit-codes",
      paramLabel = "standard|nagios",
      defaultValue = "standard",
      description =
          "standard: 0 ok, 4 findings (WARN or worse), 3 a target could not be checked,"
              + " 1 no target reachable at all;"
              + " nagios: 0 ok, 1 warning, 2 critical, 3 unknown."
              + " Default: ${DEFAULT-VALUE}.")
  String exitCodes;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the whole result as one JSON document to FILE.")
  Path report;

  /** Seam: how the Kubernetes client is made (tests point it at the mock API server). */
  Supplier<KubernetesClient> kubernetesClients = () -> new KubernetesClientBuilder().build();

  /** The parsed configuration of one run. */
  private record Plan(
      Thresholds thresholds,
      TrustStore trust,
      List<EndpointTarget> endpoints,
      Shard shard,
      ExitCodeStyle style,
      String certManagerMode) {}

  @Override
  public ExitCode run(RunContext ctx) throws Exception {
    Plan plan = plan();
    if (report != null) {
      try {
        ReportFile.checkWritable(report);
      } catch (IOException e) {
        throw new ConfigurationException("--report", e.getMessage());
      }
    }
    return scan(ctx, plan, files, kubernetes, report);
  }

  private ExitCode scan(
      RunContext ctx, Plan plan, List<String> files, boolean kubernetes, Path report)
      throws Exception {
    Clock clock = ctx.clock();
    ChainEvaluator evaluator = new ChainEvaluator(clock, plan.thresholds(), plan.trust());
    char[] password = keystorePassword == null ? null : keystorePassword.reveal().toCharArray();
    List<TargetResult> results = Collections.synchronizedList(new ArrayList<>());
    AtomicLong done = new AtomicLong();
    long started = System.nanoTime();

    try (ProgressReporter progress =
        ctx.progress("certcheck.scan", "targets", done::get, () -> -1)) {
      FileScanner fileScanner = new FileScanner(evaluator, clock, password);
      // --file /etc/tls --file '/etc/tls/*.pem' names a file twice: check and count it once.
      java.util.Set<Path> seen = new java.util.HashSet<>();
      for (String spec : files) {
        List<Path> paths = FileScanner.expand(spec);
        if (paths.isEmpty()) {
          if (plan.shard().selects(spec)) {
            emit(fileScanner.unmatched(spec), results, done);
          }
          continue;
        }
        for (Path path : paths) {
          if (seen.add(path.toAbsolutePath().normalize())
              && plan.shard().selects(path.toString())) {
            emit(fileScanner.scan(path), results, done);
          }
        }
      }
      if (kubernetes) {
        scanKubernetes(ctx, plan, evaluator, password, results, done);
      }
      List<EndpointTarget> mine =
          plan.endpoints().stream().filter(t -> plan.shard().selects(t.display())).toList();
      if (!mine.isEmpty()) {
        try (EndpointProber prober =
                new EndpointProber(evaluator, clock, deadline, concurrency, perHost);
            ShutdownCoordinator.Registration stop =
                ctx.shutdown().register("certcheck.stop-probes", prober::stop)) {
          prober.probeAll(mine, r -> emit(r, results, done));
        }
      }
    }

    List<TargetResult> all = List.copyOf(results);
    RunSummary summary = RunSummary.of(all);
    ExitCode exit = plan.style().exitCode(summary);
    CertcheckMetrics.record(ctx.meters(), all);
    Events.Builder summaryEvent = Events.event("certcheck.summary").withAll(summary.fields());
    if (plan.style() == ExitCodeStyle.NAGIOS) {
      // run.finished names codes by the shared table; say what 1/2/3 mean in Nagios terms here.
      summaryEvent.with(
          "nagios_state", List.of("OK", "WARNING", "CRITICAL", "UNKNOWN").get(exit.code()));
    }
    summaryEvent
        .with("shard", plan.shard().toString())
        .with("exit_codes", plan.style().name().toLowerCase(Locale.ROOT))
        .with("result_exit_code", exit.code())
        .with("duration_ms", (System.nanoTime() - started) / 1_000_000)
        .info(
            LOG,
            "{} target(s): {} finding(s), {} failure(s)",
            summary.targets(),
            summary.findings(),
            summary.failures());
    if (report != null) {
      ReportFile.write(
          report, ctx.runId(), clock.instant(), settings(plan), summary, exit.code(), sorted(all));
      LOG.info("report written to {}", report);
    }
    return exit;
  }

  /**
   * The AOT training run: parses configuration and builds the clients; when the image build
   * provides a keystore ({@value #TRAINING_KEYSTORE}), also scans loopback TLS servers made from
   * it, so the cache records real handshakes. Touches no network beyond 127.0.0.1.
   */
  @Override
  public void train(RunContext ctx) throws Exception {
    Plan plan = plan();
    String keystore = System.getenv(TRAINING_KEYSTORE);
    if (keystore == null || keystore.isBlank()) {
      ChainEvaluator evaluator = new ChainEvaluator(ctx.clock(), plan.thresholds(), plan.trust());
      try (EndpointProber prober =
          new EndpointProber(evaluator, ctx.clock(), deadline, concurrency, perHost)) {
        new FileScanner(evaluator, ctx.clock(), null);
      }
    } else {
      String password = System.getenv(TRAINING_KEYSTORE + "_PASSWORD");
      try (LoopbackTlsServers servers =
          LoopbackTlsServers.start(
              Path.of(keystore), password == null ? new char[0] : password.toCharArray())) {
        List<X509Certificate> anchors = new ArrayList<>(servers.certificates());
        TrustStore trust = TrustStore.of(systemTrust, anchors);
        Plan training =
            new Plan(
                plan.thresholds(),
                trust,
                servers.targets(TRAINING_HANDSHAKES_PER_KEY),
                Shard.all(),
                plan.style(),
                "off");
        scan(ctx, training, List.of(), false, null);
      }
    }
    if (kubernetes) {
      kubernetesClients.get().close();
    }
    CertcheckMetrics.record(ctx.meters(), List.of());
    RunSummary.of(List.of()).fields();
  }

  private void scanKubernetes(
      RunContext ctx,
      Plan plan,
      ChainEvaluator evaluator,
      char[] password,
      List<TargetResult> results,
      AtomicLong done) {
    // "web, payments" in the variable splits into " payments": the API would not know it.
    List<String> ns =
        namespaces.stream().map(String::trim).filter(n -> !n.isEmpty() && !n.equals("*")).toList();
    KubernetesSelection selection = new KubernetesSelection(ns, labelSelector, 50);
    try (KubernetesClient client = kubernetesClients.get()) {
      new SecretScanner(client, evaluator, ctx.clock(), password)
          .scan(selection, plan.shard()::selects)
          .forEach(r -> emit(r, results, done));
      if (!plan.certManagerMode().equals("off")) {
        CertManagerScanner.Outcome outcome =
            new CertManagerScanner(client, ctx.clock(), plan.thresholds())
                .scan(selection, plan.shard()::selects);
        outcome.results().forEach(r -> emit(r, results, done));
        if (!outcome.crdPresent()) {
          if (plan.certManagerMode().equals("on")) {
            emit(
                TargetResult.failure(
                    new TargetId("certificates.cert-manager.io", "cert_manager", ""),
                    Status.ERROR,
                    "crd_not_found",
                    "",
                    "",
                    Map.of("detail", "the API server does not serve certificates.cert-manager.io"),
                    0,
                    ctx.clock().instant()),
                results,
                done);
          } else {
            LOG.info("cert-manager Certificates not served by the API server; skipped");
          }
        }
      }
    }
  }

  private void emit(TargetResult r, List<TargetResult> results, AtomicLong done) {
    results.add(r);
    done.incrementAndGet();
    for (CertificateFacts c : r.certificates()) {
      Events.event("certcheck.certificate")
          .withAll(ResultFields.of(r, c))
          .info(LOG, "{} #{} {}: {} days left", r.target(), c.index(), c.role(), c.daysLeft());
    }
    Events.Builder event = Events.event("certcheck.result").withAll(ResultFields.of(r));
    if (r.status() == Status.OK || r.status() == Status.PENDING) {
      event.info(LOG, "{}: {}", r.target(), describe(r));
    } else {
      event.warn(LOG, "{}: {}", r.target(), describe(r));
    }
  }

  private static String describe(TargetResult r) {
    StringBuilder s = new StringBuilder(r.status().name());
    if (!r.phase().isEmpty() && r.status().isScanFailure()) {
      s.append('(').append(r.phase()).append(')');
    } else if (!r.reason().isEmpty()) {
      s.append('(').append(r.reason()).append(')');
    }
    if (r.daysLeft() != null) {
      s.append(", ")
          .append(r.daysLeft())
          .append(" days left (not after ")
          .append(r.notAfter())
          .append(')');
    }
    return s.toString();
  }

  private Plan plan() {
    Thresholds thresholds = thresholds();
    ExitCodeStyle style;
    try {
      style = ExitCodeStyle.valueOf(exitCodes.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "--exit-codes", "'" + exitCodes + "' is not one of standard, nagios");
    }
    String cm = certManager.trim().toLowerCase(Locale.ROOT);
    if (!List.of("auto", "on", "off").contains(cm)) {
      throw new ConfigurationException(
          "--cert-manager", "'" + certManager + "' is not one of auto, on, off");
    }
    if (concurrency < 1) {
      throw new ConfigurationException("--concurrency", "must be at least 1");
    }
    if (perHost < 1) {
      throw new ConfigurationException("--per-host", "must be at least 1");
    }
    if (deadline.isZero()) {
      throw new ConfigurationException("--deadline", "must be longer than 0");
    }
    List<EndpointTarget> endpoints = new ArrayList<>();
    for (String t : targets) {
      if (t.isBlank()) {
        continue;
      }
      try {
        endpoints.add(EndpointSyntax.parse(t));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("--target", e.getMessage());
      }
    }
    if (targetsFile != null) {
      endpoints.addAll(readTargetsFile(targetsFile));
    }
    // The same endpoint from the flag and the file would be probed, counted and pushed twice.
    List<EndpointTarget> distinct = endpoints.stream().distinct().toList();
    if (distinct.size() < endpoints.size()) {
      LOG.info("{} duplicate target(s) skipped", endpoints.size() - distinct.size());
    }
    endpoints = distinct;
    if (kubernetes) {
      for (String n : namespaces) {
        if (!n.isBlank() && !n.equals("*") && !NAMESPACE.matcher(n.trim()).matches()) {
          // The API answers an impossible name with an empty list: a typo would check nothing.
          throw new ConfigurationException(
              "--namespace",
              "'"
                  + n
                  + "' is not a namespace name (lowercase letters, digits and '-', at most 63)");
        }
      }
    }
    if (endpoints.isEmpty() && files.stream().allMatch(String::isBlank) && !kubernetes) {
      throw new ConfigurationException(
          "--target", "nothing to check: give --target, --targets-file, --file or --kubernetes");
    }
    files = files.stream().map(String::trim).filter(f -> !f.isEmpty()).toList();
    for (String f : files) {
      try {
        FileScanner.check(f);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("--file", e.getMessage());
      }
    }
    return new Plan(thresholds, trustStore(), endpoints, shard(), style, cm);
  }

  private Thresholds thresholds() {
    Duration warnFixed = null;
    Double warnPercent = null;
    Duration critFixed = null;
    Double critPercent = null;
    if (warn.trim().endsWith("%")) {
      warnPercent = percent("--warn", warn);
    } else {
      warnFixed = duration("--warn", warn);
    }
    if (crit.trim().endsWith("%")) {
      critPercent = percent("--crit", crit);
    } else {
      critFixed = duration("--crit", crit);
    }
    if (warnFixed != null && critFixed != null && critFixed.compareTo(warnFixed) > 0) {
      throw new ConfigurationException(
          "--crit", "critical threshold " + crit + " is longer than the warning threshold " + warn);
    }
    if (warnPercent != null && critPercent != null && critPercent > warnPercent) {
      throw new ConfigurationException(
          "--crit", "critical threshold " + crit + " is larger than the warning threshold " + warn);
    }
    return new Thresholds(
        warnFixed == null ? Duration.ZERO : warnFixed,
        critFixed == null ? Duration.ZERO : critFixed,
        warnPercent,
        critPercent);
  }

  private static Duration duration(String option, String text) {
    try {
      return DurationParser.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(option, e.getMessage() + ", or a percentage such as 30%");
    }
  }

  private static double percent(String option, String text) {
    String number = text.trim().substring(0, text.trim().length() - 1);
    try {
      double p = Double.parseDouble(number);
      // "NaN" parses, and fails every comparison: it would pass a range check written as "out".
      if (!(p > 0 && p < 100)) {
        throw new ConfigurationException(
            option, "percentage " + text + " must be between 0 and 100");
      }
      return p;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(option, "'" + text + "' is not a percentage such as 30%");
    }
  }

  private Shard shard() {
    if (shard != null && !shard.isBlank()) {
      try {
        return Shard.parse(shard);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("--shard", e.getMessage());
      }
    }
    if (shardCount < 1) {
      throw new ConfigurationException(
          SHARD_COUNT, "must be at least 1 (1 = no sharding), not " + shardCount);
    }
    if (shardIndex == null) {
      if (shardCount > 1) {
        throw new ConfigurationException(
            SHARD_INDEX, "--shard-count " + shardCount + " needs an index (JOB_COMPLETION_INDEX)");
      }
      return Shard.all();
    }
    // An index the count cannot hold is a Job whose completions and --shard-count disagree:
    // checking everything (or nothing) in every pod would hide that, so refuse it.
    if (shardIndex < 0 || shardIndex >= shardCount) {
      throw new ConfigurationException(
          SHARD_INDEX,
          "index "
              + shardIndex
              + " is outside 0.."
              + (shardCount - 1)
              + " for --shard-count "
              + shardCount
              + " (set --shard-count to the Job's completions)");
    }
    return new Shard(shardIndex, shardCount);
  }

  private TrustStore trustStore() {
    List<X509Certificate> extra = new ArrayList<>();
    // A truststore.p12 given as a CA file opens with the keystore password, as in a Secret.
    char[] password = keystorePassword == null ? null : keystorePassword.reveal().toCharArray();
    for (Path file : caFiles) {
      if (Files.isDirectory(file)) {
        throw new ConfigurationException("--ca-file", file + " is not a regular file (directory)");
      }
      try {
        byte[] content = FileScanner.readBounded(file);
        extra.addAll(CertificateDecoder.decode(content, password).certificates());
      } catch (IOException e) {
        throw new ConfigurationException(
            "--ca-file", file + " cannot be read (" + e.getClass().getSimpleName() + ")");
      } catch (DecodeFailure e) {
        throw new ConfigurationException("--ca-file", file + ": " + e.getMessage());
      }
    }
    if (!systemTrust && extra.isEmpty()) {
      LOG.warn("--no-system-trust without --ca-file: no endpoint chain can validate");
    }
    return TrustStore.of(systemTrust, extra);
  }

  private static List<EndpointTarget> readTargetsFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ConfigurationException("--targets-file", file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new ConfigurationException(
          "--targets-file", file + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    List<EndpointTarget> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (i == 0 && text.startsWith("\uFEFF")) {
        // Windows editors start UTF-8 files with a byte order mark; it is not part of the host.
        text = text.substring(1);
      }
      String line = text.replaceFirst("#.*$", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      try {
        out.add(EndpointSyntax.parse(line));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            "--targets-file", file + ":" + (i + 1) + ": " + e.getMessage());
      }
    }
    return out;
  }

  private Map<String, Object> settings(Plan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("warn", warn);
    m.put("crit", crit);
    m.put("deadline_ms", deadline.toMillis());
    m.put("concurrency", concurrency);
    m.put("per_host", perHost);
    m.put("system_trust", systemTrust);
    m.put("shard", plan.shard().toString());
    m.put("exit_codes", plan.style().name().toLowerCase(Locale.ROOT));
    return m;
  }

  private static List<TargetResult> sorted(List<TargetResult> results) {
    List<TargetResult> out = new ArrayList<>(results);
    out.sort(
        java.util.Comparator.comparing(TargetResult::source).thenComparing(TargetResult::target));
    return out;
  }
}
