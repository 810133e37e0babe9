package io.durableobjects.core;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.TestKitSettings;

/**
 * Time limits of core's tests, scaled by {@code pekko.actor.testkit.typed.timefactor} as the
 * testkit's own probes are, so that a slow machine raises one setting instead of every limit.
 */
public final class TestTime {
  private static final TestKitSettings SETTINGS =
      TestKitSettings.create(ConfigFactory.load().getConfig("pekko.actor.testkit.typed"));

  /** How long a test waits for something that should happen promptly. */
  public static final Duration PROMPT = dilated(Duration.ofSeconds(20));

  private TestTime() {}

  /** {@code duration} times the time factor. */
  public static Duration dilated(Duration duration) {
    return SETTINGS.dilated(duration);
  }

  /** The stage's value, waiting at most {@link #PROMPT}. */
  public static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the stage failed; an {@link AssertionError} if it succeeded. */
  public static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      await(stage);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }

  /** Whether the stage failed with a retryable {@link DurableObjectException}. */
  public static boolean retryableFailure(CompletionStage<?> stage) throws Exception {
    try {
      await(stage);
    } catch (ExecutionException e) {
      return e.getCause() instanceof DurableObjectException d && d.isRetryable();
    }
    return false;
  }
}
