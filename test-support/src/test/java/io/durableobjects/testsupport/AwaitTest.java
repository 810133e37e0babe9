package io.durableobjects.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void returnsAsSoonAsTheConditionHolds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Await.until("the third call", Duration.ofSeconds(5), () -> calls.incrementAndGet() == 3);
    assertThat(calls).hasValue(3);
  }

  @Test
  void answersTheFirstValueTheProbeFinds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    int value =
        Await.value(
            "a value",
            Duration.ofSeconds(5),
            () -> calls.incrementAndGet() < 2 ? Optional.empty() : Optional.of(42));
    assertThat(value).isEqualTo(42);
  }

  @Test
  void failsWithWhatWasAwaitedAndTheLastErrorAfterTheTimeout() {
    assertThatThrownBy(
            () ->
                Await.until(
                    "a node that never answers",
                    Duration.ofMillis(300),
                    () -> {
                      throw new IOException("connection refused");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a node that never answers")
        .hasRootCauseMessage("connection refused");
  }
}
