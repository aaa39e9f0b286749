package dev.taskrunner.certcheck.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The JDK's resolver for every name except those under {@value #DOMAIN}, which stall the way a DNS
 * server that never answers does: uninterruptibly (a native lookup ignores interrupts) until the
 * test releases them, then "unknown host". Installed for the whole test JVM through {@code
 * META-INF/services/java.net.spi.InetAddressResolverProvider} (JDK 18+), since no DNS server can be
 * made slow here; every other name goes to the built-in resolver unchanged.
 */
public final class StallingResolver extends InetAddressResolverProvider {
  /** Names ending in this stall. Use a fresh name per case: the JDK caches the final failure. */
  public static final String DOMAIN = ".stall.test";

  private static volatile CountDownLatch release = new CountDownLatch(1);
  private static final AtomicInteger stalled = new AtomicInteger();
  private static final AtomicInteger peak = new AtomicInteger();

  /** Lookups stalled right now. */
  public static int stalled() {
    return stalled.get();
  }

  /** The most lookups stalled at once since the last {@link #releaseAll()}. */
  public static int peak() {
    return peak.get();
  }

  /** Lets every stalled lookup fail, and arms the stall again for the next case. */
  public static void releaseAll() {
    CountDownLatch old = release;
    release = new CountDownLatch(1);
    old.countDown();
    peak.set(0);
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy)
          throws UnknownHostException {
        if (!host.endsWith(DOMAIN)) {
          return builtin.lookupByName(host, policy);
        }
        CountDownLatch gate = release;
        peak.accumulateAndGet(stalled.incrementAndGet(), Math::max);
        boolean interrupted = false;
        try {
          while (true) {
            try {
              gate.await();
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
        } finally {
          stalled.decrementAndGet();
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        throw new UnknownHostException(host);
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "certcheck-test-stalling-resolver";
  }
}
