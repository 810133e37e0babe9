package io.durableobjects.core;

import io.durableobjects.testsupport.TimeFactor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for the answers of core's tests' calls, within limits scaled by the test time factor
 * ({@link TimeFactor}, the one Pekko's testkit probes follow too), so that a slow machine raises
 * one setting instead of every limit.
 */
public final class TestTime {
  /** How long a test waits for something that should happen promptly. */
  public static final Duration PROMPT = TimeFactor.dilated(Duration.ofSeconds(20));

  private TestTime() {}

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
