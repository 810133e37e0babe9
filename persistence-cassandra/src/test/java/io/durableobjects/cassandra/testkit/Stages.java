package io.durableobjects.cassandra.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.testsupport.TimeFactor;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssertAlternative;

/** Waiting for the stages the Cassandra-backed SPIs return, in integration tests. */
public final class Stages {
  /** Long enough for a loaded 2-core machine with Cassandra on it (dilated by the time factor). */
  public static final Duration TIMEOUT = TimeFactor.seconds(30);

  private Stages() {}

  /** The stage's value; an AssertionError naming {@code what} if it fails or times out. */
  public static <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(what + " did not complete normally", e);
    }
  }

  /** Asserts that the stage fails with an IllegalArgumentException, for further assertions. */
  public static ThrowableAssertAlternative<?> failsWithIllegalArgument(CompletionStage<?> stage) {
    return assertThat(stage)
        .failsWithin(TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(IllegalArgumentException.class);
  }
}
