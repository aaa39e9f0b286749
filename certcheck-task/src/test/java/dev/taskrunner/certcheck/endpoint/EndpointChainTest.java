package dev.taskrunner.certcheck.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.TrustStore;
import dev.taskrunner.certcheck.result.CertificateFacts;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.target.EndpointSyntax;
import dev.taskrunner.certcheck.testing.Identity;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.certcheck.testing.TlsServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Chain cases against real TLS servers in this JVM. Certificates are made relative to a frozen
 * clock; the prober's clock is that frozen clock, so "expired" means expired at that instant.
 */
class EndpointChainTest {
  static final Instant NOW = Instant.parse("2026-03-02T07:30:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  static Issued root;
  static Issued intermediate;
  static EndpointProber prober;
  final List<TlsServer> servers = new ArrayList<>();

  @BeforeAll
  static void pki() {
    root = TestPki.root("Test Root", NOW, 20);
    intermediate =
        TestPki.cert("CN=Test Intermediate,O=Test")
            .ca()
            .validity(days(-100), days(2000))
            .signedBy(root);
    ChainEvaluator evaluator =
        new ChainEvaluator(
            CLOCK, Thresholds.defaults(), TrustStore.of(false, List.of(root.cert())));
    prober = new EndpointProber(evaluator, CLOCK, Duration.ofSeconds(5), 8, 8);
  }

  @AfterAll
  static void stopProber() {
    prober.close();
  }

  @AfterEach
  void stopServers() {
    servers.forEach(TlsServer::close);
  }

  static Instant days(long d) {
    return NOW.plus(Duration.ofDays(d));
  }

  static Issued leaf(String cn, Instant from, Instant to, Issued issuer) {
    return TestPki.cert("CN=" + cn).dns(cn).ip("127.0.0.1").validity(from, to).signedBy(issuer);
  }

  TlsServer serve(Identity identity) {
    TlsServer s = TlsServer.start(identity);
    servers.add(s);
    return s;
  }

  TargetResult probe(String target) {
    return prober.probe(EndpointSyntax.parse(target));
  }

  @Test
  @DisplayName(
      "expired leaf from a trusted CA is EXPIRED with negative days, not UNREACHABLE"
          + " (blackbox_exporter#1119, ssl_exporter#37)")
  void expiredLeafIsExpired() {
    Issued leaf = leaf("localhost", days(-90), days(-1), intermediate);
    TlsServer server = serve(Identity.of(leaf, intermediate));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.EXPIRED);
    assertThat(r.daysLeft()).isEqualTo(-1);
    assertThat(r.secondsLeft()).isEqualTo(-86_400);
    assertThat(r.notAfter()).isEqualTo(days(-1));
    assertThat(r.reason()).isEqualTo("expired:leaf");
    assertThat(r.trusted()).isFalse();
    assertThat(r.attributes()).containsEntry("trust_reason", "expired");
    assertThat(r.certificates().get(0).serialDecimal())
        .isEqualTo(leaf.cert().getSerialNumber().toString());
  }

  @Test
  @DisplayName("valid chain is OK with the limiting certificate's days")
  void validChainIsOk() {
    Issued leaf = leaf("localhost", days(-10), days(300), intermediate);
    TlsServer server = serve(Identity.of(leaf, intermediate));

    TargetResult r = probe("localhost:" + server.port());

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.daysLeft()).isEqualTo(300);
    assertThat(r.trusted()).isTrue();
    assertThat(r.hostnameMatch()).isTrue();
    assertThat(r.sni()).isEqualTo("localhost");
    assertThat(r.certificates())
        .extracting(CertificateFacts::role)
        .containsExactly("leaf", "intermediate", "root");
    assertThat(r.certificates().get(2).fromTrustStore()).isTrue();
  }

  @Test
  @DisplayName(
      "SNI server with an expired default: the certificate for the name is reported"
          + " (blackbox_exporter#224)")
  void sniPicksTheNamedCertificate() {
    Issued expiredDefault =
        TestPki.cert("CN=default").validity(days(-400), days(-365)).selfSigned();
    Issued forLocalhost = leaf("localhost", days(-10), days(200), intermediate);
    Issued forATest = leaf("a.test", days(-10), days(100), intermediate);
    TlsServer server =
        TlsServer.start(
            Map.of(
                "localhost", Identity.of(forLocalhost, intermediate),
                "a.test", Identity.of(forATest, intermediate)),
            Identity.of(expiredDefault),
            null);
    servers.add(server);

    TargetResult byName = probe("localhost:" + server.port());
    TargetResult ipWithOverride = probe(server.address() + ";sni=a.test");
    TargetResult ipWithoutSni = probe(server.address());

    assertThat(byName.status()).isEqualTo(Status.OK);
    assertThat(byName.daysLeft()).isEqualTo(200);
    assertThat(ipWithOverride.status()).isEqualTo(Status.OK);
    assertThat(ipWithOverride.sni()).isEqualTo("a.test");
    assertThat(ipWithOverride.hostnameMatch()).isTrue();
    assertThat(ipWithOverride.daysLeft()).isEqualTo(100);
    // An IP literal is never sent as SNI (RFC 6066), so the server falls back to its default.
    assertThat(ipWithoutSni.sni()).isEmpty();
    assertThat(ipWithoutSni.status()).isEqualTo(Status.EXPIRED);
  }

  @Test
  @DisplayName("a fully qualified SNI override (trailing dot) still sends SNI, without the dot")
  void trailingDotSniIsSentWithoutTheDot() {
    Issued expiredDefault =
        TestPki.cert("CN=default").validity(days(-400), days(-365)).selfSigned();
    Issued forATest = leaf("a.test", days(-10), days(100), intermediate);
    TlsServer server =
        TlsServer.start(
            Map.of("a.test", Identity.of(forATest, intermediate)),
            Identity.of(expiredDefault),
            null);
    servers.add(server);

    TargetResult r = probe(server.address() + ";sni=a.test.");

    assertThat(r.sni()).isEqualTo("a.test");
    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.hostnameMatch()).isTrue();
    assertThat(r.daysLeft()).isEqualTo(100);
  }

  @Test
  @DisplayName(
      "expired old cross-sign sent beside a valid path: listed as extra, no false"
          + " critical (blackbox_exporter#340, AddTrust 2020)")
  void expiredCrossSignIsNotCritical() {
    Issued oldRoot = TestPki.root("Old Root", NOW.minus(Duration.ofDays(4000)), 1);
    // The current root's key and name, certified by the old root; expired yesterday.
    Issued crossSign =
        TestPki.cert("CN=Test Root,O=Test")
            .ca()
            .keys(root.keys())
            .validity(days(-3000), days(-1))
            .signedBy(oldRoot);
    Issued leaf = leaf("localhost", days(-10), days(300), intermediate);
    TlsServer server = serve(Identity.of(leaf, intermediate).plus(crossSign.cert()));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.OK);
    assertThat(r.daysLeft()).isEqualTo(300);
    CertificateFacts extra = r.certificates().get(2);
    assertThat(extra.role()).isEqualTo("extra");
    assertThat(extra.onPath()).isFalse();
    assertThat(extra.daysLeft()).isEqualTo(-1);
  }

  @Test
  @DisplayName(
      "intermediate expiring before the leaf: the status follows the intermediate"
          + " (testssl.sh intermediate checks)")
  void intermediateLimits() {
    Issued shortIntermediate =
        TestPki.cert("CN=Short Intermediate,O=Test")
            .ca()
            .validity(days(-100), days(10))
            .signedBy(root);
    Issued leaf = leaf("localhost", days(-10), days(300), shortIntermediate);
    TlsServer server = serve(Identity.of(leaf, shortIntermediate));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.CRIT);
    assertThat(r.daysLeft()).isEqualTo(10);
    assertThat(r.reason()).isEqualTo("expires_soon:intermediate");
    assertThat(r.limitingSubject()).contains("Short Intermediate");
  }

  @Test
  @DisplayName(
      "server omits the intermediate: CHAIN_INCOMPLETE with the leaf's days" + " (ACMESharp#288)")
  void missingIntermediate() {
    Issued leaf = leaf("localhost", days(-10), days(50), intermediate);
    TlsServer server = serve(Identity.of(leaf));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.CHAIN_INCOMPLETE);
    assertThat(r.daysLeft()).isEqualTo(50);
    assertThat(r.trusted()).isFalse();
  }

  @Test
  void hostnameMismatch() {
    Issued other = leaf("other.test", days(-10), days(300), intermediate);
    TlsServer server = serve(Identity.of(other, intermediate));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.HOSTNAME_MISMATCH);
    assertThat(r.trusted()).isTrue();
    assertThat(r.hostnameMatch()).isFalse();
    assertThat(r.daysLeft()).isEqualTo(300);
  }

  @Test
  void untrustedSelfSigned() {
    Issued self =
        TestPki.cert("CN=localhost").dns("localhost").validity(days(-1), days(365)).selfSigned();
    TlsServer server = serve(Identity.of(self));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.UNTRUSTED);
    assertThat(r.reason()).isEqualTo("self_signed");
    assertThat(r.daysLeft()).isEqualTo(365);
  }

  @Test
  @DisplayName("not yet valid is its own status, with days left and valid_in_seconds")
  void notYetValid() {
    Issued leaf = leaf("localhost", days(2), days(90), intermediate);
    TlsServer server = serve(Identity.of(leaf, intermediate));

    TargetResult r = probe(server.address() + ";sni=localhost");

    assertThat(r.status()).isEqualTo(Status.NOT_YET_VALID);
    assertThat(r.daysLeft()).isEqualTo(90);
    assertThat(r.attributes()).containsEntry("valid_in_seconds", "172800");
  }

  @Test
  void refusedIsUnreachable() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TargetResult r = probe("127.0.0.1:" + port);

    assertThat(r.status()).isEqualTo(Status.UNREACHABLE);
    assertThat(r.phase()).isEqualTo("connect");
    assertThat(r.daysLeft()).isNull();
  }
}
