package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.testing.Identity;
import dev.taskrunner.certcheck.testing.PlainServer;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.certcheck.testing.TlsServer;
import dev.taskrunner.common.ExitCode;
import dev.taskrunner.common.TaskLauncher;
import dev.taskrunner.common.config.ConfigurationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input refused as a configuration error (the launcher's exit 2, one line naming the option)
 * before anything is contacted, with a listening server as the would-be target: a run that went
 * ahead would connect to it.
 */
class ConfigurationErrorsTest {
  static PlainServer listener;
  static final AtomicInteger connections = new AtomicInteger();
  static final AtomicInteger ownConnections = new AtomicInteger();
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    listener = PlainServer.start(s -> connections.incrementAndGet());
  }

  @AfterAll
  static void stop() {
    listener.close();
  }

  static CertcheckCommand parse(Map<String, String> env, String... args) {
    CertcheckCommand command = new CertcheckCommand();
    TaskLauncher.commandLine(new TaskLauncher.Task("certcheck", "CERTCHECK_"), command, env)
        .parseArgs(args);
    return command;
  }

  static ConfigurationException refused(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--target=" + listener.address());
    all.add("--deadline=1s");
    CertcheckCommand command = parse(env, all.toArray(String[]::new));
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> command.run(CertcheckCommandTest.context(new SimpleMeterRegistry())));
    assertThat(thrown)
        .as(String.join(" ", args) + " " + env)
        .isInstanceOf(ConfigurationException.class);
    return (ConfigurationException) thrown;
  }

  /**
   * Connections other than our own so far. Waits until our own connection is counted: any that a
   * refused run had made was accepted before it.
   */
  static int connectionsSoFar() throws Exception {
    int before = connections.get();
    try (java.net.Socket own = new java.net.Socket("127.0.0.1", listener.port())) {
      assertThat(own.isConnected()).isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (connections.get() == before && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    return connections.get() - ownConnections.incrementAndGet();
  }

  @Test
  void shardCountAndIndexOutOfRangeNameTheOptionAndVariable() throws Exception {
    int before = connectionsSoFar();

    assertThat(refused(Map.of(), "--shard-count=0").option()).contains("--shard-count");
    assertThat(refused(Map.of(), "--shard-count=-3").reason()).contains("-3");
    assertThat(refused(Map.of("CERTCHECK_SHARD_COUNT", "0")).option())
        .contains("CERTCHECK_SHARD_COUNT");
    ConfigurationException indexTooLarge =
        refused(Map.of("JOB_COMPLETION_INDEX", "4"), "--shard-count=4");
    assertThat(indexTooLarge.option()).contains("JOB_COMPLETION_INDEX");
    assertThat(indexTooLarge.reason()).contains("4").contains("0..3");
    // An Indexed Job whose pods were not told the count would each check everything.
    assertThat(refused(Map.of("JOB_COMPLETION_INDEX", "2")).option())
        .contains("JOB_COMPLETION_INDEX");
    assertThat(refused(Map.of("JOB_COMPLETION_INDEX", "-1"), "--shard-count=2").option())
        .contains("JOB_COMPLETION_INDEX");
    assertThat(refused(Map.of(), "--shard=4/4").option()).isEqualTo("--shard");
    assertThat(refused(Map.of(), "--shard=-1/4").option()).isEqualTo("--shard");
    assertThat(refused(Map.of(), "--shard=0/0").option()).isEqualTo("--shard");

    assertThat(connectionsSoFar()).isEqualTo(before);
  }

  @Test
  void indexWithinTheCountStillWorks() throws Exception {
    CertcheckCommand command =
        parse(
            Map.of("JOB_COMPLETION_INDEX", "0"),
            "--target=127.0.0.1:1",
            "--deadline=2s",
            "--shard-count=1");
    // Port 1 on loopback refuses: the run happened (exit 1, every target unreachable).
    assertThat(command.run(CertcheckCommandTest.context(new SimpleMeterRegistry())))
        .isEqualTo(ExitCode.FAILED);
  }

  @Test
  void impossibleTargetsAreRefusedNamingTheText() throws Exception {
    int before = connectionsSoFar();
    for (String bad :
        List.of(
            "a b:443",
            "exa\tmple.com:443",
            "bad!host:443",
            "a..b:443",
            "bücher.example:443",
            "999.1.1.1:443",
            "10.1:443",
            "a:0",
            "a:65536",
            ":443",
            "[]:443",
            "[::1]",
            "[::1]:",
            "[zz::1]:443",
            "::1:443",
            "a:443;sni=",
            "a:443;sni=b c",
            "a:443;sni=x;sni=y",
            "a:443;starttls=",
            "a:+443",
            "a:\u0664\u0664\u0663",
            "a:443 b:443")) {
      ConfigurationException e = refused(Map.of(), "--target=" + bad);
      assertThat(e.option()).isEqualTo("--target");
      assertThat(e.reason()).as(bad).contains("'" + bad.trim() + "'");
    }
    assertThat(connectionsSoFar()).isEqualTo(before);
  }

  @Test
  void aBadLineOfATargetsFileNamesFileAndLine() throws Exception {
    Path file = dir.resolve("bad-targets.txt");
    Files.writeString(
        file,
        "# estate\r\n\r\nok.example:443\r\nweb server.example:443\r\n",
        StandardCharsets.UTF_8);

    ConfigurationException e = refused(Map.of(), "--targets-file=" + file);

    assertThat(e.option()).isEqualTo("--targets-file");
    assertThat(e.reason()).contains(file + ":4:").contains("'web server.example:443'");
  }

  @Test
  void aTargetsFileFromWindowsWithBomCrlfAndCommentsIsRead() throws Exception {
    java.time.Instant now = CertcheckCommandTest.NOW;
    Issued root = TestPki.root("Targets File Root", now, 5);
    Issued leaf =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(300)))
            .signedBy(root);
    Path ca = dir.resolve("targets-root.pem");
    Files.writeString(ca, root.pem());
    Path file = dir.resolve("windows-targets.txt");
    try (TlsServer server = TlsServer.start(Identity.of(leaf))) {
      Files.writeString(
          file,
          "\uFEFFlocalhost:" + server.port() + "  # the web tier\r\n# retired\r\n\r\n",
          StandardCharsets.UTF_8);

      ExitCode exit =
          parse(
                  Map.of(),
                  "--targets-file=" + file,
                  "--ca-file=" + ca,
                  "--no-system-trust",
                  "--deadline=5s")
              .run(CertcheckCommandTest.context(new SimpleMeterRegistry()));

      assertThat(exit).isEqualTo(ExitCode.SUCCESS);
    }
  }

  @Test
  void aTargetsFileThatIsNotUtf8SaysSo() throws Exception {
    Path file = dir.resolve("latin1-targets.txt");
    Files.write(file, "m\u00fcnchen.example:443\n".getBytes(StandardCharsets.ISO_8859_1));

    ConfigurationException e = refused(Map.of(), "--targets-file=" + file);

    assertThat(e.option()).isEqualTo("--targets-file");
    assertThat(e.reason()).contains("not UTF-8");
  }

  @Test
  void aPercentageThatIsNotANumberIsRefused() {
    ConfigurationException e = refused(Map.of(), "--warn=NaN%", "--crit=5%");

    assertThat(e.option()).isEqualTo("--warn");
    assertThat(e.reason()).contains("NaN%");
  }

  @Test
  void aCaFileThatIsAFifoIsRefusedInsteadOfBlockingTheRun() throws Exception {
    Path fifo = dir.resolve("ca.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    // Hang guard, not a speed claim: opening a FIFO without a writer blocks forever.
    ConfigurationException e =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> refused(Map.of(), "--ca-file=" + fifo));

    assertThat(e.option()).isEqualTo("--ca-file");
    assertThat(e.reason()).contains(fifo.toString()).contains("not a regular file");
  }

  @Test
  void aPkcs12TruststoreAsCaFileOpensWithTheKeystorePassword() throws Exception {
    java.time.Instant now = CertcheckCommandTest.NOW;
    Issued root = TestPki.root("Truststore Root", now, 5);
    Issued leaf =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(300)))
            .signedBy(root);
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("root", root.cert());
    Path p12 = dir.resolve("truststore.p12");
    try (var out = Files.newOutputStream(p12)) {
      store.store(out, "Trust-Pass-4417".toCharArray());
    }
    try (TlsServer server = TlsServer.start(Identity.of(leaf))) {
      String[] args = {
        "--target=localhost:" + server.port(),
        "--ca-file=" + p12,
        "--no-system-trust",
        "--deadline=5s"
      };

      ExitCode trusted =
          parse(Map.of("CERTCHECK_KEYSTORE_PASSWORD", "Trust-Pass-4417"), args)
              .run(CertcheckCommandTest.context(new SimpleMeterRegistry()));
      Throwable wrong =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  parse(Map.of("CERTCHECK_KEYSTORE_PASSWORD", "Wr0ng-Trust-Pass"), args)
                      .run(CertcheckCommandTest.context(new SimpleMeterRegistry())));

      assertThat(trusted).isEqualTo(ExitCode.SUCCESS);
      assertThat(wrong).isInstanceOf(ConfigurationException.class);
      assertThat(((ConfigurationException) wrong).option()).isEqualTo("--ca-file");
      assertThat(wrong.getMessage()).doesNotContain("Wr0ng-Trust-Pass");
    }
  }

  @Test
  void aGlobThatCannotParseIsRefusedBeforeAnyFileIsRead() throws Exception {
    for (String bad : List.of(dir + "/[a", dir + "/*.{pem", dir + "/**/x[")) {
      ConfigurationException e = refused(Map.of(), "--file=" + bad);

      assertThat(e.option()).isEqualTo("--file");
      assertThat(e.reason()).contains("'" + bad + "'").doesNotContain("\n");
    }
  }

  @Test
  void aFileWhoseNameHoldsGlobCharactersIsReadAsNamed() throws Exception {
    java.time.Instant now = CertcheckCommandTest.NOW;
    Issued cert =
        TestPki.cert("CN=bracketed")
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(300)))
            .selfSigned();
    Path file = dir.resolve("cert[1].pem");
    Files.writeString(file, cert.pem());

    ExitCode exit =
        parse(Map.of(), "--file=" + file)
            .run(CertcheckCommandTest.context(new SimpleMeterRegistry()));

    assertThat(exit).isEqualTo(ExitCode.SUCCESS);
  }

  @Test
  void anImpossibleNamespaceNameIsRefusedBeforeTheApiIsAsked() {
    CertcheckCommand command = parse(Map.of(), "--kubernetes", "--namespace=web,Web_Prod");
    command.kubernetesClients =
        () -> {
          throw new AssertionError("the Kubernetes API was contacted");
        };

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> command.run(CertcheckCommandTest.context(new SimpleMeterRegistry())));

    assertThat(thrown).isInstanceOf(ConfigurationException.class);
    assertThat(((ConfigurationException) thrown).option()).isEqualTo("--namespace");
    assertThat(((ConfigurationException) thrown).reason()).contains("'Web_Prod'");
  }

  @Test
  void theSameTargetOrFileNamedTwiceIsCheckedAndCountedOnce() throws Exception {
    java.time.Instant now = CertcheckCommandTest.NOW;
    Issued root = TestPki.root("Duplicates Root", now, 5);
    Issued leaf =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(300)))
            .signedBy(root);
    Path ca = dir.resolve("duplicates-root.pem");
    Files.writeString(ca, root.pem());
    Path certs = Files.createDirectory(dir.resolve("duplicate-files"));
    Files.writeString(certs.resolve("leaf.pem"), leaf.pem());
    try (TlsServer server = TlsServer.start(Identity.of(leaf))) {
      String target = "localhost:" + server.port();
      Path file = dir.resolve("duplicate-targets.txt");
      Files.writeString(file, target + "\n");
      SimpleMeterRegistry meters = new SimpleMeterRegistry();

      ExitCode exit =
          parse(
                  Map.of(),
                  "--target=" + target,
                  "--target=" + target,
                  "--targets-file=" + file,
                  "--file=" + certs,
                  "--file=" + certs + "/*.pem",
                  "--ca-file=" + ca,
                  "--no-system-trust")
              .run(CertcheckCommandTest.context(meters));

      assertThat(exit).isEqualTo(ExitCode.SUCCESS);
      assertThat(meters.get("taskrunner_certcheck_targets").tag("status", "OK").gauge().value())
          .isEqualTo(2); // one endpoint, one file
    }
  }
}
