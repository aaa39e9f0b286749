package dev.taskrunner.certcheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.TrustStore;
import dev.taskrunner.certcheck.endpoint.EndpointProber;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.result.Thresholds;
import dev.taskrunner.certcheck.target.EndpointSyntax;
import dev.taskrunner.certcheck.testing.TestPki;
import dev.taskrunner.certcheck.testing.TestPki.Issued;
import dev.taskrunner.common.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL server with TLS on (the testbed image honours POSTGRES_SSL_CERT_FILE and
 * POSTGRES_SSL_KEY_FILE, see docker/testbed/README.md), probed with the SSLRequest dialogue.
 */
class PostgresTlsIT {
  static final Instant NOW = Instant.now();
  static Issued root;
  static PostgreSQLContainer postgres;

  @BeforeAll
  static void start() {
    root = TestPki.root("PG Root", NOW, 10);
    Issued server =
        TestPki.cert("CN=db.test")
            .dns("db.test", "localhost")
            .ip("127.0.0.1")
            .keys(TestPki.rsa(2048))
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(45)))
            .signedBy(root);
    postgres =
        new PostgreSQLContainer(TestImages.postgres())
            .withCopyToContainer(
                Transferable.of(server.pem().getBytes(StandardCharsets.US_ASCII), 0644),
                "/tls/server.crt")
            .withCopyToContainer(
                Transferable.of(
                    TestPki.pem(server.keys()).getBytes(StandardCharsets.US_ASCII), 0600),
                "/tls/server.key")
            .withEnv("POSTGRES_SSL_CERT_FILE", "/tls/server.crt")
            .withEnv("POSTGRES_SSL_KEY_FILE", "/tls/server.key");
    postgres.start();
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.stop();
    }
  }

  @Test
  void sslRequestThenHandshakeReadsTheServerCertificate() {
    ChainEvaluator evaluator =
        new ChainEvaluator(
            Clock.systemUTC(), Thresholds.defaults(), TrustStore.of(false, List.of(root.cert())));
    try (EndpointProber prober =
        new EndpointProber(evaluator, Clock.systemUTC(), Duration.ofSeconds(10), 2, 2)) {
      TargetResult r =
          prober.probe(
              EndpointSyntax.parse(
                  postgres.getHost()
                      + ":"
                      + postgres.getMappedPort(5432)
                      + ";starttls=postgres;sni=db.test"));

      assertThat(r.status()).as(r.toString()).isEqualTo(Status.OK);
      assertThat(r.daysLeft()).isBetween(44L, 45L);
      assertThat(r.certificates().get(0).subject()).isEqualTo("CN=db.test");
      assertThat(r.trusted()).isTrue();
    }
  }
}
