package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectUnavailableException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The gate's bookkeeping alone: what a call waits for, and what happens when writes fail. */
class OutgoingCallGateTest {
  private final OutgoingCallGate gate = new OutgoingCallGate();

  @Test
  void aCallLeavesAtOnceWhenEverythingCommittedIsDurable() {
    OutgoingCallGate.Instance instance = gate.forInstance();
    assertThat(instance.whenDurable()).isCompleted();
    gate.committed();
    gate.durable(1);
    assertThat(instance.whenDurable()).isCompleted();
  }

  @Test
  void aCallWaitsForEveryTransactionCommittedBeforeItAndNoLaterOne() {
    OutgoingCallGate.Instance instance = gate.forInstance();
    gate.committed();
    gate.committed();
    CompletableFuture<Void> first = instance.whenDurable(); // after two transactions
    gate.committed();
    CompletableFuture<Void> second = instance.whenDurable(); // after three
    gate.durable(1);
    assertThat(first).isNotDone();
    gate.durable(1);
    assertThat(first).isCompleted();
    assertThat(second).isNotDone();
    gate.durable(1);
    assertThat(second).isCompleted();
  }

  @Test
  void aFailedWriteFailsWhatWaitsAndEverythingTheOldInstanceSendsLater() {
    OutgoingCallGate.Instance old = gate.forInstance();
    gate.committed();
    CompletableFuture<Void> held = old.whenDurable();
    gate.writeFailed(new ObjectUnavailableException("journal failed"));
    assertThat(held).isCompletedExceptionally();
    assertThat(retryable(held)).isTrue();
    assertThat(retryable(old.whenDurable())).isTrue();
    // The next instance starts from the durable state: nothing is in flight.
    assertThat(gate.forInstance().whenDurable()).isCompleted();
  }

  @Test
  void aReplacedInstanceIsClosedButWritesInFlightStillHoldTheNextOne() {
    OutgoingCallGate.Instance old = gate.forInstance();
    gate.committed();
    CompletableFuture<Void> held = old.whenDurable();
    gate.retire(new ObjectUnavailableException("timed out"));
    assertThat(retryable(held)).isTrue();
    OutgoingCallGate.Instance next = gate.forInstance();
    CompletableFuture<Void> waiting = next.whenDurable();
    assertThat(waiting).isNotDone();
    gate.durable(1);
    assertThat(waiting).isCompleted();
    assertThat(retryable(old.whenDurable())).isTrue();
  }

  private static boolean retryable(CompletableFuture<Void> future) {
    return future
        .handle((ok, failure) -> failure instanceof DurableObjectException e && e.isRetryable())
        .join();
  }
}
