package dev.taskrunner.certcheck.endpoint;

import dev.taskrunner.certcheck.chain.ChainEvaluator;
import dev.taskrunner.certcheck.chain.HostnameMatcher;
import dev.taskrunner.certcheck.result.Status;
import dev.taskrunner.certcheck.result.TargetResult;
import dev.taskrunner.certcheck.target.EndpointTarget;
import dev.taskrunner.certcheck.target.StartTls;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Connects to TLS endpoints, runs the STARTTLS dialogue if any, completes the handshake with a
 * trust manager that accepts everything, and hands the presented chain to the {@link
 * ChainEvaluator}.
 *
 * <p>Each target has one total deadline covering name resolution, connect, STARTTLS and handshake.
 * The JDK's resolver cannot be interrupted, so a lookup runs on its own virtual thread and the
 * probe waits for it only until the deadline ({@code TIMEOUT(resolve)}); at most {@code
 * concurrency} lookups are in the resolver at once, so a stalled DNS server strands a bounded
 * number of threads, and those never hold up shutdown (virtual threads are daemons). Read timeouts
 * alone do not bound a server that trickles a byte every few seconds, so a scheduler closes the
 * socket when the deadline passes; the blocked read then fails and the result is {@code
 * TIMEOUT(phase)}. Probes run on virtual threads, bounded by a global limit and a per-host limit
 * (so one load balancer behind many names is not hammered). Time spent queueing does not count
 * against a target's deadline.
 */
public final class EndpointProber implements AutoCloseable {
  /** Phases of a probe, reported with failures. */
  static final String RESOLVE = "resolve";

  static final String CONNECT = "connect";

  static final String STARTTLS = "starttls";
  static final String HANDSHAKE = "handshake";

  private final ChainEvaluator evaluator;
  private final Clock clock;
  private final Duration deadline;
  private final Semaphore global;
  private final int perHost;
  private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Semaphore lookups;
  private final Set<CompletableFuture<InetAddress>> pendingLookups = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final SSLSocketFactory sockets;
  private final java.util.concurrent.atomic.AtomicLong probes =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean stopping;

  /**
   * @param deadline total time per target (resolve + connect + STARTTLS + handshake)
   * @param concurrency targets probed at once
   * @param perHost targets probed at once on one host (by the name or address connected to)
   */
  public EndpointProber(
      ChainEvaluator evaluator, Clock clock, Duration deadline, int concurrency, int perHost) {
    this.evaluator = evaluator;
    this.clock = clock;
    this.deadline = deadline;
    this.global = new Semaphore(concurrency);
    this.lookups = new Semaphore(concurrency);
    this.perHost = perHost;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("certcheck-deadline").unstarted(r));
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new AcceptingTrustManager()}, null);
      // Sessions are never resumed (see probe), so keep the cache from growing.
      context.getClientSessionContext().setSessionCacheSize(1);
      this.sockets = context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation in this JDK", e);
    }
  }

  /** Probes every target concurrently; {@code onResult} is called as each one finishes. */
  public List<TargetResult> probeAll(List<EndpointTarget> targets, Consumer<TargetResult> onResult)
      throws InterruptedException {
    List<Future<TargetResult>> futures = new ArrayList<>();
    for (EndpointTarget target : targets) {
      futures.add(
          workers.submit(
              () -> {
                TargetResult result = probeBounded(target);
                onResult.accept(result);
                return result;
              }));
    }
    List<TargetResult> results = new ArrayList<>();
    for (Future<TargetResult> f : futures) {
      try {
        results.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("probe failed unexpectedly", e.getCause());
      }
    }
    return results;
  }

  private TargetResult probeBounded(EndpointTarget target) throws InterruptedException {
    Semaphore host = hosts.computeIfAbsent(target.host(), h -> new Semaphore(perHost));
    host.acquire();
    try {
      global.acquire();
      try {
        return probe(target);
      } finally {
        global.release();
      }
    } finally {
      host.release();
    }
  }

  /** Probes one target within the deadline. Never throws for network problems. */
  public TargetResult probe(EndpointTarget target) {
    long started = System.nanoTime();
    String sni = sniFor(target);
    Map<String, String> attrs = new LinkedHashMap<>();
    attrs.put("starttls", target.startTls().label());
    Socket socket = new Socket();
    open.add(socket);
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> alarm =
        watchdog.schedule(
            () -> {
              expired.set(true);
              closeQuietly(socket);
            },
            deadline.toMillis(),
            TimeUnit.MILLISECONDS);
    String phase = RESOLVE;
    try {
      if (stopping) {
        return failure(target, Status.ERROR, "stopped", phase, sni, attrs, started);
      }
      InetAddress address = resolve(target.host(), started);
      phase = CONNECT;
      socket.connect(new InetSocketAddress(address, target.port()), remaining(started));
      socket.setSoTimeout(remaining(started));
      phase = STARTTLS;
      StartTlsDialogue.run(target.startTls(), socket.getInputStream(), socket.getOutputStream());
      phase = HANDSHAKE;
      // A unique peer name per probe: the JDK caches client sessions by peer host and port and
      // would resume one (and report its old certificates) for a target with another SNI.
      SSLSocket tls =
          (SSLSocket)
              sockets.createSocket(
                  socket, "probe-" + probes.incrementAndGet() + ".invalid", target.port(), true);
      SSLParameters params = tls.getSSLParameters();
      params.setServerNames(sni.isEmpty() ? List.of() : List.of(new SNIHostName(sni)));
      if (target.startTls() == StartTls.POSTGRES_DIRECT) {
        params.setApplicationProtocols(new String[] {"postgresql"});
      }
      tls.setSSLParameters(params);
      tls.setSoTimeout(remaining(started));
      tls.startHandshake();
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : tls.getSession().getPeerCertificates()) {
        chain.add((X509Certificate) c);
      }
      attrs.put("tls_version", tls.getSession().getProtocol());
      closeQuietly(tls);
      return evaluator.evaluateChain(
          target.id(), chain, target.checkedName(), sni, attrs, elapsedMillis(started));
    } catch (StartTlsDialogue.Declined e) {
      attrs.put("detail", e.getMessage());
      return failure(target, Status.TLS_NOT_SUPPORTED, "tls_declined", phase, sni, attrs, started);
    } catch (IOException | RuntimeException e) {
      if (stopping) {
        return failure(target, Status.ERROR, "stopped", phase, sni, attrs, started);
      }
      if (expired.get() || e instanceof SocketTimeoutException || hasTimeoutCause(e)) {
        return failure(target, Status.TIMEOUT, "deadline_exceeded", phase, sni, attrs, started);
      }
      attrs.put("detail", oneLine(e));
      return failure(target, statusOf(e), reasonOf(e), phase, sni, attrs, started);
    } finally {
      alarm.cancel(false);
      closeQuietly(socket);
      open.remove(socket);
    }
  }

  /**
   * The address of {@code host} within what is left of the deadline. IP literals are parsed, never
   * looked up; names go to the JDK's resolver (and whatever {@code InetAddressResolverProvider} is
   * installed) on a virtual thread, since a blocked native lookup cannot be interrupted.
   */
  private InetAddress resolve(String host, long started) throws IOException {
    if (HostnameMatcher.isIpLiteral(host)) {
      return InetAddress.getByName(host);
    }
    CompletableFuture<InetAddress> lookup = new CompletableFuture<>();
    try {
      if (!lookups.tryAcquire(remaining(started), TimeUnit.MILLISECONDS)) {
        throw new SocketTimeoutException("every resolver slot is held by a stalled lookup");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to resolve " + host);
    }
    pendingLookups.add(lookup);
    if (stopping) {
      // stop() may have cancelled the pending lookups just before this one was added.
      pendingLookups.remove(lookup);
      lookups.release();
      throw new InterruptedIOException("stopped before resolving " + host);
    }
    try {
      Thread.ofVirtual()
          .name("certcheck-resolve")
          .start(
              () -> {
                try {
                  lookup.complete(InetAddress.getByName(host));
                } catch (Throwable e) {
                  lookup.completeExceptionally(e);
                } finally {
                  lookups.release();
                }
              });
      return lookup.get(remaining(started), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("resolving " + host + " exceeded the deadline");
    } catch (CancellationException e) {
      throw new InterruptedIOException("stopped while resolving " + host);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while resolving " + host);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException("resolving " + host + " failed", e.getCause());
    } finally {
      pendingLookups.remove(lookup);
    }
  }

  /**
   * SNI: the override, else the host when it is a name; never an IP literal (RFC 6066), and without
   * the trailing dot of a fully qualified name (the JDK refuses {@code example.com.} as SNI, which
   * would otherwise send none and get the server's default certificate).
   */
  static String sniFor(EndpointTarget target) {
    String name = target.checkedName();
    if (HostnameMatcher.isIpLiteral(name)) {
      return "";
    }
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    try {
      new SNIHostName(name);
      return name;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static Status statusOf(Exception e) {
    if (e instanceof UnknownHostException
        || e instanceof ConnectException
        || e instanceof NoRouteToHostException) {
      return Status.UNREACHABLE;
    }
    return Status.ERROR;
  }

  private static String reasonOf(Exception e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (e instanceof UnknownHostException) {
      return "unknown_host";
    }
    if (e instanceof ConnectException) {
      return "connection_refused";
    }
    if (e instanceof NoRouteToHostException) {
      return "no_route";
    }
    if (e instanceof StartTlsDialogue.Unexpected) {
      return "protocol_error";
    }
    if (message.contains("reset")) {
      return "connection_reset";
    }
    if (e instanceof EOFException || message.contains("terminated") || message.contains("closed")) {
      return "connection_closed";
    }
    if (e instanceof SSLHandshakeException) {
      return "handshake_failed";
    }
    if (e instanceof SSLException) {
      return "tls_error";
    }
    if (e instanceof SocketException) {
      return "socket_error";
    }
    return "io_error";
  }

  private static boolean hasTimeoutCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private TargetResult failure(
      EndpointTarget target,
      Status status,
      String reason,
      String phase,
      String sni,
      Map<String, String> attrs,
      long started) {
    return TargetResult.failure(
        target.id(), status, reason, phase, sni, attrs, elapsedMillis(started), clock.instant());
  }

  private int remaining(long startedNanos) throws SocketTimeoutException {
    long left = deadline.toMillis() - elapsedMillis(startedNanos);
    if (left <= 0) {
      throw new SocketTimeoutException("deadline exceeded");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }

  private static long elapsedMillis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").trim();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing is best effort: the socket is abandoned either way.
    }
  }

  /**
   * Stops new probes, closes every open connection and gives up waiting on lookups (SIGTERM); a
   * lookup stalled in the resolver is left to its virtual thread, which does not keep the JVM up.
   */
  public void stop() {
    stopping = true;
    open.forEach(EndpointProber::closeQuietly);
    pendingLookups.forEach(f -> f.cancel(false));
  }

  @Override
  public void close() {
    workers.shutdownNow();
    watchdog.shutdownNow();
  }
}
