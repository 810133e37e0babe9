package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.spi.AlarmIndexEntry;
import io.durableobjects.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alarms when the alarm index misbehaves, on one node with the in-memory journal and an index whose
 * writes can be made to fail ({@link FlakyAlarmIndex}), on the real clock: rows that nobody can
 * handle must not starve the others, and an object's row is written however long the index refuses
 * it. The objects are {@link AlarmTest.AlarmObject}s (reminders), evicted after 2 s idle.
 */
class AlarmIndexFaultsTest {

  private static final String NAMESPACE = "reminders";

  private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private static ActorTestKit testKit;
  private static DurableObjectNamespace objects;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "AlarmIndexFaultsTest",
            """
            pekko.cluster.sharding.number-of-shards = 4
            durable-objects.passivation.idle-timeout = 2s
            durable-objects.alarms {
              index-class = "%s"
              poll-limit = 3
              poll-interval = 200ms
              lookahead = 1s
              wake-retry-interval = 500ms
              quarantine-after = 1s
              quarantine-retry-interval = 1h
              index-retry-min-backoff = 50ms
              index-retry-max-backoff = 200ms
              index-retry-attempts = 8
            }
            durable-objects.namespaces.%s.class = "%s"
            """
                .formatted(
                    FlakyAlarmIndex.class.getName(),
                    NAMESPACE,
                    AlarmTest.AlarmObject.class.getName()));
    DurableObjects.meterRegistry(testKit.system()).add(meters); // counts from the start
    objects = DurableObjects.get(testKit.system()).namespace(NAMESPACE);
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  /** Each test leaves the index as it found it: writable, without rows of namespace "gone". */
  @AfterEach
  void restoreIndex() throws Exception {
    FlakyAlarmIndex.failWrites(false);
    for (AlarmIndexEntry row : TestTime.await(FlakyAlarmIndex.rows.due(Instant.MAX, 1000))) {
      if (row.namespace().equals("gone")) {
        TestTime.await(FlakyAlarmIndex.rows.remove(row.namespace(), row.id(), row.dueAt()));
      }
    }
  }

  @Test
  void rowsNobodyCanHandleAreQuarantinedAndDoNotStarveOthers() throws Exception {
    // As many rows of a namespace that no node has any more as one poll reads (poll-limit 3).
    Instant past = Instant.now().minusSeconds(60);
    for (int i = 0; i < 3; i++) {
      TestTime.await(
          FlakyAlarmIndex.rows.add(
              new AlarmIndexEntry("gone", "%064x".formatted(i), Optional.empty(), past)));
    }
    DurableObjectStub reminder = object("reminder-behind-stuck-rows");
    call(reminder, "/set?in=10000");
    // Evicted (2 s idle) long before its alarm: only the poller can bring it back.
    TestNodes.awaitInactive(testKit, NAMESPACE, reminder.id().toString());
    assertThat(AlarmTest.deliveriesOf("reminder-behind-stuck-rows")).isEmpty();

    Await.until(
        "the reminder's alarm fired",
        Duration.ofSeconds(20),
        () -> !AlarmTest.deliveriesOf("reminder-behind-stuck-rows").isEmpty());
    AlarmTest.Delivery delivery = AlarmTest.deliveriesOf("reminder-behind-stuck-rows").get(0);
    assertThat(delivery.atMillis())
        .isGreaterThanOrEqualTo(delivery.info().scheduledTime().toEpochMilli());

    // The stuck rows are counted, and kept for a later try (quarantine-retry-interval ahead).
    assertThat(quarantinedCount()).isEqualTo(3.0);
    List<AlarmIndexEntry> gone =
        TestTime.await(FlakyAlarmIndex.rows.due(Instant.MAX, 1000)).stream()
            .filter(row -> row.namespace().equals("gone"))
            .toList();
    assertThat(gone).hasSize(3);
    assertThat(gone)
        .allSatisfy(
            row -> assertThat(row.dueAt()).isAfter(Instant.now().plus(Duration.ofMinutes(50))));
  }

  @Test
  void anObjectsRowIsWrittenOnceTheIndexTakesWritesAgain() throws Exception {
    FlakyAlarmIndex.failWrites(true);
    long failingSince = System.currentTimeMillis();
    DurableObjectStub object = object("evicted-while-index-fails");
    // The request waits for the row through index-retry-attempts (about 1 s here), then fails
    // with a retryable 503; its transaction is in the journal, so the alarm is set.
    assertThat(TestTime.retryableFailure(setAlarm(object, "/set?in=8000"))).isTrue();
    // Evicted as sharding passivates an object, while the index still refuses the row.
    ClusterSharding.get(testKit.system())
        .entityRefFor(ShardedNamespace.typeKey(NAMESPACE), object.id().toString())
        .tell(ObjectCommand.Stop.INSTANCE);
    // The outage lasts 4 s in all (the scenario's fault, not a wait for something to happen).
    Await.until(
        "the index refused writes for 4 s",
        Duration.ofSeconds(10),
        () -> System.currentTimeMillis() - failingSince >= 4_000);
    FlakyAlarmIndex.failWrites(false);
    TestNodes.awaitInactive(testKit, NAMESPACE, object.id().toString());

    Await.until(
        "the alarm fired",
        Duration.ofSeconds(20),
        () -> !AlarmTest.deliveriesOf("evicted-while-index-fails").isEmpty());
    assertThat(indexRetries()).isGreaterThan(0.0);
  }

  private static DurableObjectStub object(String name) {
    return objects.get(objects.idFromName(name));
  }

  private static java.util.concurrent.CompletionStage<Response> setAlarm(
      DurableObjectStub stub, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return stub.fetch(
        Request.of("POST", pathAndQuery.substring(0, q)).withQuery(pathAndQuery.substring(q + 1)));
  }

  private static void call(DurableObjectStub stub, String pathAndQuery) throws Exception {
    TestTime.await(setAlarm(stub, pathAndQuery));
  }

  private static double quarantinedCount() {
    return meters.find("durable_objects.alarms.quarantined").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private static double indexRetries() {
    return meters.find("durable_objects.alarms.index.retries").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }
}
