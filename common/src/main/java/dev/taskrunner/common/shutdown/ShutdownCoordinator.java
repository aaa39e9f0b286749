package dev.taskrunner.common.shutdown;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleanup actions that must run if the task is stopped half-way (abort a multipart upload, remove a
 * temporary password file). Actions run once, in reverse order of registration (the last thing set
 * up is the first undone), each within what is left of the grace time; one that fails or hangs does
 * not stop the others.
 */
public final class ShutdownCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownCoordinator.class);

  /** One registered action; close it when the thing it guards is done, so it will not run. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private record Action(String name, Runnable body) {}

  private final Deque<Action> actions = new ArrayDeque<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  public synchronized Registration register(String name, Runnable action) {
    Action entry = new Action(name, action);
    actions.push(entry);
    return () -> {
      synchronized (ShutdownCoordinator.this) {
        actions.remove(entry);
      }
    };
  }

  /** True once a stop was requested: long loops check it to stop taking new work. */
  public boolean isStopping() {
    return stopping.get();
  }

  /** Marks the run as stopping; returns false when it already was. */
  public boolean beginStop() {
    return stopping.compareAndSet(false, true);
  }

  /**
   * Runs the registered actions, newest first, within {@code grace} in total.
   *
   * @return names of the actions that completed, in the order they ran
   */
  public List<String> runActions(Duration grace) {
    List<Action> toRun;
    synchronized (this) {
      toRun = new ArrayList<>(actions);
      actions.clear();
    }
    List<String> done = new ArrayList<>();
    long deadline = System.nanoTime() + grace.toNanos();
    ExecutorService runner =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("shutdown-", 0).factory());
    try {
      for (Action action : toRun) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.error("shutdown grace time exhausted; cleanup action '{}' not run", action.name());
          continue;
        }
        Future<?> future = runner.submit(action.body());
        try {
          future.get(left, TimeUnit.NANOSECONDS);
          done.add(action.name());
          LOG.info("cleanup action '{}' done", action.name());
        } catch (TimeoutException e) {
          future.cancel(true);
          LOG.error("cleanup action '{}' did not finish within the grace time", action.name());
        } catch (ExecutionException e) {
          LOG.error("cleanup action '{}' failed: {}", action.name(), e.getCause().toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      runner.shutdownNow();
    }
    return done;
  }
}
