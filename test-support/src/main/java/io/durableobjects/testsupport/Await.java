package io.durableobjects.testsupport;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Waiting for a condition instead of sleeping for a fixed time: the condition is checked every
 * {@link #POLL_INTERVAL} until it holds or the timeout, dilated by {@link TimeFactor}, is over;
 * then it fails with an {@link AssertionError} that says what was awaited, and the condition's last
 * exception as its cause.
 *
 * <pre>
 * Await.until("node 2 ready", Duration.ofSeconds(60), () -&gt; ready(2));
 * long count = Await.value("the count", Duration.ofSeconds(10), () -&gt; count().filter(c -&gt; c == 3));
 * </pre>
 */
public final class Await {
  /** How often a condition is checked: short against the latencies the tests measure. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private Await() {}

  /** A condition that may throw (an I/O call, an assertion); a throw counts as not yet. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Waits until {@code condition} holds. */
  public static void until(String what, Duration timeout, Condition condition)
      throws InterruptedException {
    value(what, timeout, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /** Waits until {@code probe} answers a value, and answers it. */
  public static <T> T value(String what, Duration timeout, Callable<Optional<T>> probe)
      throws InterruptedException {
    Duration max = TimeFactor.dilated(timeout);
    long deadline = System.nanoTime() + max.toNanos();
    Throwable last = null;
    while (true) {
      try {
        Optional<T> value = probe.call();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + max.toMillis() + " ms: " + what, last);
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
  }
}
