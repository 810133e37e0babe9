package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.Test;

/**
 * {@code durable-objects.journal.delete-events-on-snapshot}: on (the default), a snapshot deletes
 * the events older than the oldest kept snapshot; off, every transaction stays in the journal.
 * Either way the object's state is the same.
 */
class EventRetentionTest {

  /** Stores each request's body under its path. */
  public static final class Notes implements FetchHandler {
    private final DurableObjectState state;

    public Notes(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      state.storage().put(request.path(), request.bodyText());
      return Response.text("ok");
    }
  }

  @Test
  void snapshotsDeleteOldEventsByDefault() throws Exception {
    assertThat(eventsAfter35Increments("EventRetentionDelete", "on")).isEqualTo(25);
  }

  @Test
  void withDeletesOffEveryTransactionStays() throws Exception {
    assertThat(eventsAfter35Increments("EventRetentionKeep", "off")).isEqualTo(35);
  }

  @Test
  void aSnapshotIsAlsoWrittenOnceTheEventsSinceTheLastOneTakeSnapshotAfterSize() throws Exception {
    // Values of 400 bytes, 1 KiB: a snapshot after about every third write (not deleting
    // events), though the count (1000) is far away. With 1 MiB, none.
    assertThat(snapshotsAfter10Writes("SnapshotBySize", "1 KiB")).isBetween(2, 5);
    assertThat(snapshotsAfter10Writes("NoSnapshotBySize", "1 MiB")).isZero();
  }

  @Test
  void anObjectThatGoesIdleWritesASnapshotFirstWhenItsNextActivationWouldReplayMany()
      throws Exception {
    ActorTestKit testKit =
        TestNodes.start(
            "SnapshotBeforeStop",
            """
            durable-objects.journal.snapshot-every = 1000
            durable-objects.journal.snapshot-before-stop-after = 50
            durable-objects.namespaces.counter.class = "%s"
            durable-objects.namespaces.counter.idle-timeout = 1s
            """
                .formatted(DurableObjectsTest.TestCounter.class.getName()));
    try {
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      DurableObjects.get(testKit.system()).meterRegistry().add(metrics);
      DurableObjectNamespace counters = DurableObjects.get(testKit.system()).namespace("counter");
      DurableObjectId many = counters.idFromName("many");
      DurableObjectId few = counters.idFromName("few");
      for (int i = 1; i <= 60; i++) {
        fetch(counters.get(many), "POST", "/increment");
      }
      for (int i = 1; i <= 49; i++) {
        fetch(counters.get(few), "POST", "/increment");
      }
      TestNodes.awaitInactive(testKit, "counter", many.toString());
      TestNodes.awaitInactive(testKit, "counter", few.toString());
      // Stopped by way of the checkpoint or not, both count as stopped.
      assertThat(metrics.get("durable_objects.objects.active").tag("namespace", "counter").gauge())
          .extracting(Gauge::value)
          .isEqualTo(0.0);

      SnapshotTestKit snapshots = SnapshotTestKit.create(testKit.system());
      // 60 events since no snapshot: one more, empty, and the snapshot after it.
      assertThat(snapshots.persistedInStorage("durable-object-counter|" + many))
          .singleElement()
          .satisfies(snapshot -> assertThat(snapshot.first().sequenceNr()).isEqualTo(61));
      assertThat(snapshots.persistedInStorage("durable-object-counter|" + few)).isEmpty();
      // The next activations read the same state, from the snapshot or the events.
      assertThat(fetch(counters.get(many), "GET", "/")).isEqualTo("60");
      assertThat(fetch(counters.get(few), "GET", "/")).isEqualTo("49");
      fetch(counters.get(many), "POST", "/increment");
      assertThat(fetch(counters.get(many), "GET", "/")).isEqualTo("61");
    } finally {
      testKit.shutdownTestKit();
    }
  }

  /** 10 writes of 400 bytes; answers how many snapshots were written, the events all kept. */
  private static int snapshotsAfter10Writes(String node, String afterSize) throws Exception {
    ActorTestKit testKit =
        TestNodes.start(
            node,
            """
            durable-objects.journal.snapshot-every = 1000
            durable-objects.journal.snapshot-after-size = %s
            durable-objects.namespaces.kv.class = "%s"
            """
                .formatted(afterSize, Notes.class.getName()));
    try {
      DurableObjectNamespace kv = DurableObjects.get(testKit.system()).namespace("kv");
      DurableObjectId id = kv.idFromName("sized");
      DurableObjectStub stub = kv.get(id);
      String value = "v".repeat(400);
      for (int i = 1; i <= 10; i++) {
        TestTime.await(stub.fetch(Request.of("PUT", "/key-" + i).withBody(value)));
      }
      String persistenceId = "durable-object-kv|" + id;
      assertThat(PersistenceTestKit.create(testKit.system()).persistedInStorage(persistenceId))
          .hasSize(10);
      return SnapshotTestKit.create(testKit.system()).persistedInStorage(persistenceId).size();
    } finally {
      testKit.shutdownTestKit();
    }
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
