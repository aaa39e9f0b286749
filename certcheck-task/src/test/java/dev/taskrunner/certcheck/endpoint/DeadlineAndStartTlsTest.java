package dev.taskrunner.certcheck.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.TrustStore;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.target.EndpointSyntax;
import dev.taskrunner.certcheck.target.EndpointTarget;
import dev.taskrunner.certcheck.testing.Identity;
import dev.taskrunner.certcheck.testing.PlainServer;
import dev.taskrunner.certcheck.testing.StartTlsPreludes;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.certcheck.testing.TlsServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Servers that hang, trickle, reset, stall in STARTTLS or decline TLS; and STARTTLS that works. */
class DeadlineAndStartTlsTest {
  static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Duration DEADLINE = Duration.ofSeconds(2);

  static Issued root;
  static Identity identity;
  static ChainEvaluator evaluator;

  @BeforeAll
  static void pki() {
    root = TestPki.root("Deadline Root", NOW, 10);
    Issued leaf =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(60)))
            .signedBy(root);
    identity = Identity.of(leaf);
    evaluator =
        new ChainEvaluator(
            CLOCK, Thresholds.defaults(), TrustStore.of(false, List.of(root.cert())));
  }

  static PlainServer tarpit;
  static PlainServer trickle;
  static PlainServer reset;
  static PlainServer smtpStall;
  static PlainServer postgresNo;
  static TlsServer healthy;
  static TlsServer smtp;
  static TlsServer imap;

  @BeforeAll
  static void servers() {
    tarpit = PlainServer.tarpit();
    // One byte per second: a per-read timeout of 2 s would never fire.
    trickle = PlainServer.trickle(Duration.ofSeconds(1));
    reset = PlainServer.reset();
    smtpStall = PlainServer.smtpStallAfterGreeting();
    postgresNo = PlainServer.postgresWithoutTls();
    healthy = TlsServer.start(identity);
    smtp = TlsServer.start(Map.of(), identity, StartTlsPreludes.smtp());
    imap = TlsServer.start(Map.of(), identity, StartTlsPreludes.imap());
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c :
        List.<AutoCloseable>of(
            tarpit, trickle, reset, smtpStall, postgresNo, healthy, smtp, imap)) {
      try {
        c.close();
      } catch (Exception e) {
        // closing
      }
    }
  }

  static EndpointTarget target(String text) {
    return EndpointSyntax.parse(text);
  }

  @Test
  @DisplayName(
      "tarpit, trickle and reset end within the deadline while the healthy target finishes"
          + " (testssl#310, ssl-checker#36, neo4j-java-driver#442)")
  void misbehavingServersDoNotHangTheScan() throws Exception {
    List<EndpointTarget> targets =
        List.of(
            target(tarpit.address() + ";label=tarpit"),
            target(trickle.address() + ";label=trickle"),
            target(reset.address() + ";label=reset"),
            target("localhost:" + healthy.port() + ";label=healthy"));
    List<TargetResult> results;
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      // Bound, not a speed claim: all four run at once, so one deadline plus slack covers them.
      results =
          assertTimeoutPreemptively(
              DEADLINE.multipliedBy(4), () -> prober.probeAll(targets, r -> {}));
    }
    Map<String, TargetResult> byLabel =
        results.stream().collect(Collectors.toMap(TargetResult::label, Function.identity()));

    assertThat(byLabel.get("tarpit").status()).isEqualTo(Status.TIMEOUT);
    assertThat(byLabel.get("tarpit").phase()).isEqualTo("handshake");
    assertThat(byLabel.get("trickle").status()).isEqualTo(Status.TIMEOUT);
    assertThat(byLabel.get("trickle").phase()).isEqualTo("handshake");
    assertThat(byLabel.get("reset").status()).isEqualTo(Status.ERROR);
    assertThat(byLabel.get("reset").reason()).isIn("connection_reset", "connection_closed");
    assertThat(byLabel.get("healthy").status()).isEqualTo(Status.OK);
    assertThat(byLabel.get("healthy").daysLeft()).isEqualTo(60);
    assertThat(byLabel.get("tarpit").durationMillis())
        .isLessThan(DEADLINE.multipliedBy(2).toMillis());
  }

  @Test
  void smtpStartTls() {
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      TargetResult r = prober.probe(target(smtp.address() + ";starttls=smtp;sni=localhost"));
      assertThat(r.status()).isEqualTo(Status.OK);
      assertThat(r.daysLeft()).isEqualTo(60);
      assertThat(r.attributes()).containsEntry("starttls", "smtp");
    }
  }

  @Test
  void imapStartTls() {
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      TargetResult r = prober.probe(target(imap.address() + ";starttls=imap;sni=localhost"));
      assertThat(r.status()).isEqualTo(Status.OK);
      assertThat(r.daysLeft()).isEqualTo(60);
    }
  }

  @Test
  @DisplayName(
      "SMTP server silent after its greeting: TIMEOUT in phase starttls (certigo: net/smtp"
          + " has no timeouts)")
  void smtpStallTimesOutInStartTls() {
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      TargetResult r = prober.probe(target(smtpStall.address() + ";starttls=smtp"));
      assertThat(r.status()).isEqualTo(Status.TIMEOUT);
      assertThat(r.phase()).isEqualTo("starttls");
    }
  }

  @Test
  @DisplayName("PostgreSQL answering N to SSLRequest: TLS_NOT_SUPPORTED, not a hang, not expired")
  void postgresWithoutTls() {
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      TargetResult r = prober.probe(target(postgresNo.address() + ";starttls=postgres"));
      assertThat(r.status()).isEqualTo(Status.TLS_NOT_SUPPORTED);
      assertThat(r.phase()).isEqualTo("starttls");
      assertThat(r.daysLeft()).isNull();
    }
  }

  @Test
  @DisplayName("PostgreSQL 17 direct TLS: no SSLRequest, ALPN postgresql offered")
  void postgresDirectTlsOffersAlpn() {
    try (TlsServer direct = TlsServer.start(identity);
        EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      TargetResult r =
          prober.probe(target(direct.address() + ";starttls=postgres-direct;sni=localhost"));
      assertThat(r.status()).isEqualTo(Status.OK);
      assertThat(direct.offeredProtocols()).containsExactly("postgresql");
    }
  }

  @Test
  @DisplayName("plain TLS to an SMTP port that expects STARTTLS fails as a handshake error")
  void plainTlsAgainstStartTlsServer() {
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      TargetResult r = prober.probe(target(smtpStall.address()));
      assertThat(r.status()).isIn(Status.ERROR, Status.TIMEOUT);
      assertThat(r.phase()).isEqualTo("handshake");
    }
  }
}
