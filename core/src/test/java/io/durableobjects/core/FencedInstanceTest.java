package io.durableobjects.core;

import static io.durableobjects.core.TestTime.await;
import static io.durableobjects.core.TestTime.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.spi.JournalFencedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.JournalOperation;
import org.apache.pekko.persistence.testkit.ProcessingPolicy;
import org.apache.pekko.persistence.testkit.ProcessingResult;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.StorageFailure;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An instance whose journal write is refused because another instance took the object over ({@link
 * JournalFencedException}, as the Cassandra journal answers a stale node) fails its waiting
 * requests retryably and stops: it does not recover again by itself, which would take the journal
 * back from its replacement. The next call starts a fresh instance with the durable state.
 */
class FencedInstanceTest {

  public interface CounterApi {
    CompletionStage<Long> increment();
  }

  public static final class Counter implements FetchHandler, CounterApi {
    private final DurableObjectState state;

    public Counter(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      return Response.text(Long.toString(state.storage().get("n", Long.class).orElse(0L)));
    }

    @Override
    public CompletionStage<Long> increment() {
      long next = state.storage().get("n", Long.class).orElse(0L) + 1;
      state.storage().put("n", next);
      return CompletableFuture.completedFuture(next);
    }
  }

  /** Refuses one write of one object as fenced; counts that object's recoveries. */
  private static final class FenceOnce implements ProcessingPolicy<JournalOperation> {
    private final String persistenceId;
    private final AtomicBoolean armed = new AtomicBoolean(false);
    final AtomicInteger recoveries = new AtomicInteger();

    FenceOnce(String persistenceId) {
      this.persistenceId = persistenceId;
    }

    @Override
    public ProcessingResult tryProcess(String id, JournalOperation operation) {
      if (!id.equals(persistenceId)) {
        return ProcessingSuccess.getInstance();
      }
      if (operation.getClass().getSimpleName().startsWith("ReadSeqNum")) { // a case object
        recoveries.incrementAndGet();
      }
      if (operation instanceof WriteEvents && armed.compareAndSet(true, false)) {
        return StorageFailure.create(
            new JournalFencedException("another instance of the object took over its journal"));
      }
      return ProcessingSuccess.getInstance();
    }
  }

  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;
  private static DurableObjectNamespace counters;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "FencedInstanceTest",
            "durable-objects.namespaces.counter.class = \"%s\"".formatted(Counter.class.getName()));
    journal = PersistenceTestKit.create(testKit.system());
    counters = DurableObjects.get(testKit.system()).namespace("counter");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  @Test
  void aFencedInstanceFailsRetryablyStopsAndDoesNotRecoverByItself() throws Exception {
    DurableObjectId id = counters.idFromName("fenced");
    FenceOnce policy = new FenceOnce("durable-object-counter|" + id);
    journal.withPolicy(policy);
    try {
      CounterApi counter = counters.get(id).rpc(CounterApi.class);
      assertThat(await(counter.increment())).isEqualTo(1L);
      assertThat(policy.recoveries.get()).isEqualTo(1);

      policy.armed.set(true);
      Throwable refused = failure(counter.increment());
      assertThat(refused).isInstanceOf(DurableObjectException.class);
      assertThat(((DurableObjectException) refused).isRetryable()).isTrue();
      assertThat(refused.getMessage()).contains("moved to another node");

      // The stale instance stops instead of claiming the journal back: once it is gone, it has
      // not recovered again.
      TestNodes.awaitInactive(testKit, "counter", id.toString());
      assertThat(policy.recoveries.get()).isEqualTo(1);

      // A later call starts a fresh instance, which sees only what was durable.
      assertThat(await(counter.increment())).isEqualTo(2L);
      assertThat(policy.recoveries.get()).isEqualTo(2);
    } finally {
      journal.resetPolicy();
    }
  }
}
