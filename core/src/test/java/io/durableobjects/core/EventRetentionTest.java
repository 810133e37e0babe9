package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.Test;

/**
 * {@code durable-objects.journal.delete-events-on-snapshot}: on (the default), a snapshot deletes
 * the events older than the oldest kept snapshot; off, every transaction stays in the journal.
 * Either way the object's state is the same.
 */
class EventRetentionTest {

  @Test
  void snapshotsDeleteOldEventsByDefault() throws Exception {
    assertThat(eventsAfter35Increments("EventRetentionDelete", "on")).isEqualTo(25);
  }

  @Test
  void withDeletesOffEveryTransactionStays() throws Exception {
    assertThat(eventsAfter35Increments("EventRetentionKeep", "off")).isEqualTo(35);
  }

  /** 35 increments with a snapshot every 10 events, 2 kept; answers the events left. */
  private static int eventsAfter35Increments(String node, String deleteEvents) throws Exception {
    ActorTestKit testKit =
        TestNodes.start(
            node,
            """
            durable-objects.journal.snapshot-every = 10
            durable-objects.journal.keep-snapshots = 2
            durable-objects.journal.delete-events-on-snapshot = %s
            durable-objects.namespaces.counter.class = "%s"
            """
                .formatted(deleteEvents, DurableObjectsTest.TestCounter.class.getName()));
    try {
      DurableObjectNamespace counters = DurableObjects.get(testKit.system()).namespace("counter");
      DurableObjectId id = counters.idFromName("retained");
      DurableObjectStub stub = counters.get(id);
      for (int i = 1; i <= 35; i++) {
        assertThat(fetch(stub, "POST", "/increment")).isEqualTo(Integer.toString(i));
      }
      assertThat(fetch(stub, "GET", "/")).isEqualTo("35");
      PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
      String persistenceId = "durable-object-counter|" + id;
      int expected = deleteEvents.equals("on") ? 25 : 35;
      // The deletes follow the snapshot asynchronously: wait for them, but no longer than needed.
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(5),
              Duration.ofMillis(20),
              () -> {
                assertThat(journal.persistedInStorage(persistenceId)).hasSize(expected);
                return null;
              });
      assertThat(journal.persistedInStorage(persistenceId))
          .allSatisfy(event -> assertThat(event).isInstanceOf(TransactionCommitted.class));
      return journal.persistedInStorage(persistenceId).size();
    } finally {
      testKit.shutdownTestKit();
    }
  }

  private static String fetch(DurableObjectStub stub, String method, String path) throws Exception {
    return TestTime.await(stub.fetch(Request.of(method, path))).bodyText();
  }
}
