package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taskrunner.certcheck.testing.Identity;
import dev.taskrunner.certcheck.testing.PlainServer;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.certcheck.testing.TlsServer;
import dev.taskrunner.common.testing.Pushgateway;
import dev.taskrunner.common.testing.TaskProcess;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task jar run as a child process, the way the container runs it, against TLS servers in this
 * JVM, certificate files and a real Pushgateway. The child uses the real clock, so certificates
 * here are made relative to now.
 */
class CertcheckRunIT {
  static final Instant NOW = Instant.now();
  static final String P12_PASSWORD = "p12-Pass-7731";

  static Issued root;
  static Issued intermediate;
  static TlsServer healthy;
  static TlsServer expired;
  static PlainServer tarpit;
  static Pushgateway pushgateway;
  @TempDir static Path dir;
  static Path caFile;

  @BeforeAll
  static void start() throws Exception {
    root = TestPki.root("IT Root", NOW, 10);
    intermediate =
        TestPki.cert("CN=IT Intermediate")
            .ca()
            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(1000)))
            .signedBy(root);
    Issued good =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(NOW.minus(Duration.ofDays(10)), NOW.plus(Duration.ofDays(200)))
            .signedBy(intermediate);
    Issued old =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(NOW.minus(Duration.ofDays(100)), NOW.minus(Duration.ofDays(3)))
            .signedBy(intermediate);
    healthy = TlsServer.start(Identity.of(good, intermediate));
    expired = TlsServer.start(Identity.of(old, intermediate));
    tarpit = PlainServer.tarpit();
    pushgateway = Pushgateway.start();
    caFile = dir.resolve("ca.pem");
    Files.writeString(caFile, root.pem());
    Files.writeString(
        dir.resolve("bundle.pem"),
        TestPki.cert("CN=soon")
                .validity(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(20)))
                .signedBy(root)
                .pem()
            + root.pem());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(
        "k",
        good.keys().getPrivate(),
        P12_PASSWORD.toCharArray(),
        new Certificate[] {good.cert(), intermediate.cert()});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ks.store(out, P12_PASSWORD.toCharArray());
    Files.write(dir.resolve("store.p12"), out.toByteArray());
  }

  @AfterAll
  static void stop() {
    healthy.close();
    expired.close();
    tarpit.close();
    pushgateway.close();
  }

  static TaskProcess run(Map<String, String> env, String... args) {
    return TaskProcess.run(TaskProcess.taskJar(), env, Duration.ofMinutes(2), args);
  }

  static Map<String, JsonNode> resultsByTarget(TaskProcess p) {
    return p.events("certcheck.result").stream()
        .collect(Collectors.toMap(n -> n.get("target").asText(), Function.identity()));
  }

  @Test
  void scanReportsEachTargetPushesExporterMetricsAndExitsWithFindings() throws Exception {
    Path report = dir.resolve("report.json");
    String good = "localhost:" + healthy.port();
    String old = expired.address() + ";sni=localhost";
    Map<String, String> env = new HashMap<>();
    env.put("PUSHGATEWAY_URL", pushgateway.url().toString());
    env.put("CERTCHECK_FILE", dir.resolve("bundle.pem") + "," + dir.resolve("missing.pem"));

    TaskProcess p =
        run(
            env,
            "--target=" + good,
            "--target=" + old + ";label=legacy",
            "--target=" + tarpit.address(),
            "--ca-file=" + caFile,
            "--no-system-trust",
            "--deadline=2s",
            "--report=" + report);

    assertThat(p.exitCode()).as(p.stdout() + p.stderr()).isEqualTo(4);
    p.jsonLines(); // every stdout line is JSON
    Map<String, JsonNode> results = resultsByTarget(p);
    assertThat(results.get(good).get("status").asText()).isEqualTo("OK");
    assertThat(results.get(good).get("days_left").asLong()).isBetween(199L, 200L);
    JsonNode expiredResult = results.get(old);
    assertThat(expiredResult.get("status").asText()).isEqualTo("EXPIRED");
    // Expired three days and some seconds ago: floor(seconds_left / 86400) = -4.
    assertThat(expiredResult.get("days_left").asLong()).isEqualTo(-4);
    assertThat(expiredResult.get("seconds_left").asLong()).isLessThan(-3 * 86_400L);
    assertThat(expiredResult.get("label").asText()).isEqualTo("legacy");
    assertThat(results.get(tarpit.address()).get("status").asText()).isEqualTo("TIMEOUT");
    assertThat(results.get(tarpit.address()).get("phase").asText()).isEqualTo("handshake");
    assertThat(results.get(dir.resolve("bundle.pem").toString()).get("status").asText())
        .isEqualTo("WARN");
    assertThat(results.get(dir.resolve("missing.pem").toString()).get("reason").asText())
        .isEqualTo("not_found");

    List<JsonNode> certificates = p.events("certcheck.certificate");
    assertThat(certificates)
        .anySatisfy(
            c -> {
              assertThat(c.get("target").asText()).isEqualTo(old);
              assertThat(c.get("role").asText()).isEqualTo("leaf");
              assertThat(c.get("not_after").asText()).endsWith("Z");
              assertThat(c.get("sans").toString()).contains("DNS:localhost");
            });
    JsonNode summary = p.events("certcheck.summary").get(0);
    assertThat(summary.get("targets").asInt()).isEqualTo(5);
    assertThat(summary.get("findings").asInt()).isEqualTo(2);
    assertThat(summary.get("failures").asInt()).isEqualTo(2);

    JsonNode doc = new ObjectMapper().readTree(report.toFile());
    assertThat(doc.get("exit_code").asInt()).isEqualTo(4);
    assertThat(doc.get("results")).hasSize(5);
    assertThat(doc.get("results").findValues("certificates")).isNotEmpty();

    String metrics = pushgateway.metrics();
    assertThat(metrics)
        .containsPattern(
            "x509_cert_not_after\\{[^}]*filepath=\"" + dir.resolve("bundle.pem") + "\"[^}]*\\}")
        .containsPattern("x509_cert_not_after\\{[^}]*subject_CN=\"soon\"")
        .containsPattern("x509_cert_not_after\\{[^}]*serial_number=\"\\d+\"")
        .containsPattern("x509_cert_expired\\{[^}]*subject_CN=\"soon\"[^}]*\\} 0")
        .containsPattern("x509_cert_not_before\\{")
        .containsPattern(
            "probe_ssl_earliest_cert_expiry\\{[^}]*target=\"" + good.replace(".", "\\.") + "\"")
        .containsPattern(
            "probe_ssl_last_chain_expiry_timestamp_seconds\\{[^}]*target=\""
                + good.replace(".", "\\.")
                + "\"")
        .containsPattern(
            "probe_success\\{[^}]*target=\"" + good.replace(".", "\\.") + "\"[^}]*\\} 1")
        .containsPattern(
            "probe_success\\{[^}]*target=\""
                + tarpit.address().replace(".", "\\.")
                + "\"[^}]*\\} 0")
        .containsPattern("taskrunner_certcheck_targets\\{[^}]*status=\"EXPIRED\"[^}]*\\} 1")
        .containsPattern("taskrunner_last_run_timestamp_seconds\\{[^}]*job=\"certcheck\"");
    // The expired endpoint's chain did not validate: no chain-expiry series, no sentinel value.
    assertThat(metrics)
        .doesNotContainPattern(
            "probe_ssl_last_chain_expiry_timestamp_seconds\\{[^}]*target=\""
                + expired.address().replace(".", "\\."));
  }

  @Test
  void nagiosExitCodes() {
    TaskProcess critical =
        run(
            Map.of(),
            "--target=" + expired.address() + ";sni=localhost",
            "--ca-file=" + caFile,
            "--exit-codes=nagios");
    TaskProcess ok =
        run(
            Map.of(),
            "--target=localhost:" + healthy.port(),
            "--ca-file=" + caFile,
            "--exit-codes=nagios");

    assertThat(critical.exitCode()).as(critical.stdout()).isEqualTo(2);
    assertThat(critical.events("certcheck.summary").get(0).get("nagios_state").asText())
        .isEqualTo("CRITICAL");
    assertThat(ok.exitCode()).as(ok.stdout()).isZero();
  }

  @Test
  void keystorePasswordFromFileAndWrongPasswordNeverLogged() throws Exception {
    Path passwordFile = dir.resolve("p12-password");
    Files.writeString(passwordFile, P12_PASSWORD + "\n");
    TaskProcess right =
        run(
            Map.of("CERTCHECK_KEYSTORE_PASSWORD_FILE", passwordFile.toString()),
            "--file=" + dir.resolve("store.p12"));
    TaskProcess wrong =
        run(
            Map.of("CERTCHECK_KEYSTORE_PASSWORD", "Wr0ng-Passw0rd-991"),
            "--file=" + dir.resolve("store.p12"));

    assertThat(right.exitCode()).as(right.stdout()).isZero();
    assertThat(
            resultsByTarget(right).get(dir.resolve("store.p12").toString()).get("format").asText())
        .isEqualTo("pkcs12");
    assertThat(wrong.exitCode()).as(wrong.stdout()).isEqualTo(3);
    assertThat(
            resultsByTarget(wrong).get(dir.resolve("store.p12").toString()).get("reason").asText())
        .isEqualTo("bad_passphrase");
    assertThat(wrong.stdout() + wrong.stderr()).doesNotContain("Wr0ng-Passw0rd-991");
    assertThat(right.stdout() + right.stderr()).doesNotContain(P12_PASSWORD);
  }

  @Test
  void badConfigurationIsOneLineAndExitTwo() {
    TaskProcess badTarget = run(Map.of(), "--target=no-port-here");
    TaskProcess nothing = run(Map.of());
    TaskProcess badThreshold = run(Map.of(), "--file=/tmp", "--warn=7d", "--crit=30d");

    assertThat(badTarget.exitCode()).isEqualTo(2);
    JsonNode invalid = badTarget.events("config.invalid").get(0);
    assertThat(invalid.get("option").asText()).isEqualTo("--target");
    assertThat(invalid.get("reason").asText()).contains("'no-port-here'");
    assertThat(nothing.exitCode()).isEqualTo(2);
    assertThat(nothing.events("config.invalid").get(0).get("reason").asText())
        .contains("nothing to check");
    assertThat(badThreshold.exitCode()).isEqualTo(2);
    assertThat(badThreshold.events("config.invalid").get(0).get("option").asText())
        .isEqualTo("--crit");

    TaskProcess noShards = run(Map.of(), "--target=" + healthy.address(), "--shard-count=0");
    TaskProcess spaceInHost = run(Map.of(), "--target=web server.example:443");
    assertThat(noShards.exitCode()).isEqualTo(2);
    assertThat(noShards.events("config.invalid").get(0).get("option").asText())
        .contains("--shard-count")
        .contains("CERTCHECK_SHARD_COUNT");
    assertThat(noShards.events("certcheck.result")).isEmpty();
    assertThat(spaceInHost.exitCode()).isEqualTo(2);
    assertThat(spaceInHost.events("config.invalid").get(0).get("reason").asText())
        .contains("'web server.example:443'");
  }

  @Test
  void shardsSplitTheTargets() {
    String[] targets = new String[12];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = "--target=127.0.0.1:" + (1 + i);
    }
    int total = 0;
    for (int shard = 0; shard < 3; shard++) {
      Map<String, String> env = Map.of("JOB_COMPLETION_INDEX", Integer.toString(shard));
      String[] args = java.util.Arrays.copyOf(targets, targets.length + 1);
      args[targets.length] = "--shard-count=3";
      TaskProcess p = run(env, args);
      JsonNode summary = p.events("certcheck.summary").get(0);
      assertThat(summary.get("shard").asText()).isEqualTo(shard + "/3");
      total += summary.get("targets").asInt();
    }
    assertThat(total).isEqualTo(12);
  }

  /**
   * The image build's training run (TASKRUNNER_AOT_TRAIN=1) with a keystore really completes
   * handshakes on loopback, one server per key (EC and RSA here, as docker/Dockerfile makes with
   * keytool), and keeps the keystore password out of its output. Without a keystore it only parses
   * options.
   */
  @Test
  void trainingRunProbesLoopbackServersMadeFromTheKeystore() throws Exception {
    String password = "aot-Train-5521";
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    for (var keys : List.of(TestPki.ec(), TestPki.rsa(2048))) {
      Issued self =
          TestPki.cert("CN=localhost")
              .ip("127.0.0.1")
              .keys(keys)
              .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)))
              .selfSigned();
      ks.setKeyEntry(
          keys.getPublic().getAlgorithm(),
          keys.getPrivate(),
          password.toCharArray(),
          new Certificate[] {self.cert()});
    }
    Path keystore = dir.resolve("aot-training.p12");
    try (var out = Files.newOutputStream(keystore)) {
      ks.store(out, password.toCharArray());
    }
    Map<String, String> env = new HashMap<>();
    env.put("TASKRUNNER_AOT_TRAIN", "1");
    env.put("CERTCHECK_TARGET", "localhost:443");
    env.put("TASKRUNNER_AOT_TRAIN_KEYSTORE", keystore.toString());
    env.put("TASKRUNNER_AOT_TRAIN_KEYSTORE_PASSWORD", password);

    TaskProcess trained = run(env);
    env.remove("TASKRUNNER_AOT_TRAIN_KEYSTORE");
    TaskProcess parsedOnly = run(env);

    assertThat(trained.exitCode()).as(trained.stdout() + trained.stderr()).isZero();
    List<JsonNode> results = trained.events("certcheck.result");
    assertThat(results).hasSize(600);
    assertThat(results).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("OK"));
    assertThat(
            trained.events("certcheck.certificate").stream()
                .map(c -> c.get("key_algorithm").asText())
                .distinct())
        .containsExactlyInAnyOrder("EC", "RSA");
    assertThat(trained.stdout() + trained.stderr()).doesNotContain(password);
    assertThat(parsedOnly.exitCode()).isZero();
    assertThat(parsedOnly.events("certcheck.result")).isEmpty();
  }
}
