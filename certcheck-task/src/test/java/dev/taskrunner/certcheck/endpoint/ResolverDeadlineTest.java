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
import dev.taskrunner.certcheck.testing.StallingResolver;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Name resolution is inside the per-target deadline. A DNS server that never answers is played by
 * {@link StallingResolver}, installed through the JDK's resolver hook ({@code
 * java.net.spi.InetAddressResolverProvider}, registered in the test resources), since no DNS server
 * can be made slow here; the prober goes through the real {@code InetAddress} path to reach it. The
 * bounds below ({@code assertTimeoutPreemptively}) are hang guards, not speed claims.
 */
class ResolverDeadlineTest {
  static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Duration DEADLINE = Duration.ofSeconds(1);
  static final AtomicInteger names = new AtomicInteger();

  static ChainEvaluator evaluator;
  static TlsServer healthy;

  @BeforeAll
  static void start() {
    Issued root = TestPki.root("Resolver Root", NOW, 10);
    Issued leaf =
        TestPki.cert("CN=localhost")
            .dns("localhost")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(60)))
            .signedBy(root);
    evaluator =
        new ChainEvaluator(
            CLOCK, Thresholds.defaults(), TrustStore.of(false, List.of(root.cert())));
    healthy = TlsServer.start(Identity.of(leaf));
  }

  @AfterAll
  static void stop() {
    healthy.close();
  }

  @AfterEach
  void release() {
    StallingResolver.releaseAll();
  }

  static EndpointTarget stalling(String label) {
    return EndpointSyntax.parse(
        "never-" + names.incrementAndGet() + StallingResolver.DOMAIN + ":443;label=" + label);
  }

  @Test
  void aStalledLookupIsTimeoutInResolveWhileOtherTargetsFinish() {
    List<EndpointTarget> targets =
        List.of(
            stalling("stalled"),
            EndpointSyntax.parse("localhost:" + healthy.port() + ";label=healthy"));
    List<TargetResult> results;
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 8, 8)) {
      results =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30), () -> prober.probeAll(targets, r -> {}));
    }
    Map<String, TargetResult> byLabel =
        results.stream().collect(Collectors.toMap(TargetResult::label, Function.identity()));

    assertThat(byLabel.get("stalled").status()).isEqualTo(Status.TIMEOUT);
    assertThat(byLabel.get("stalled").phase()).isEqualTo("resolve");
    assertThat(byLabel.get("healthy").status()).isEqualTo(Status.OK);
  }

  @Test
  void stalledLookupsInTheResolverAreBoundedByTheConcurrency() {
    List<EndpointTarget> targets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      targets.add(stalling("s" + i));
    }
    List<TargetResult> results;
    try (EndpointProber prober = new EndpointProber(evaluator, CLOCK, DEADLINE, 2, 8)) {
      results =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60), () -> prober.probeAll(targets, r -> {}));
    }

    assertThat(results).hasSize(5);
    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.TIMEOUT));
    assertThat(results).allSatisfy(r -> assertThat(r.phase()).isEqualTo("resolve"));
    // Each timed-out lookup is still stalled, yet no more than two were ever in the resolver.
    assertThat(StallingResolver.peak()).isEqualTo(2);
  }

  @Test
  void stopGivesUpOnAStalledLookup() throws Exception {
    EndpointTarget target = stalling("stalled");
    try (EndpointProber prober =
        new EndpointProber(evaluator, CLOCK, Duration.ofMinutes(10), 8, 8)) {
      CompletableFuture<List<TargetResult>> scan =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return prober.probeAll(List.of(target), r -> {});
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (StallingResolver.stalled() == 0 && System.nanoTime() < waitUntil) {
        Thread.sleep(10);
      }
      assertThat(StallingResolver.stalled()).isEqualTo(1);

      prober.stop(); // what SIGTERM does

      TargetResult r = scan.get(30, TimeUnit.SECONDS).get(0);
      assertThat(r.status()).isEqualTo(Status.ERROR);
      assertThat(r.reason()).isEqualTo("stopped");
      assertThat(r.phase()).isEqualTo("resolve");
      // The lookup itself is still stuck in the resolver; nothing waits for it.
      assertThat(StallingResolver.stalled()).isEqualTo(1);
    }
  }
}
