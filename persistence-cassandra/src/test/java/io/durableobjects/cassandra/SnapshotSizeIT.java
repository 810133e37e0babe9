package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.cassandra.testkit.TestKeyspaces;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ObjectSize;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.SocketRegistry;
import io.durableobjects.core.internal.storage.StorageSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An object's snapshot at {@code durable-objects.storage.max-snapshot-size} (15 MiB by default:
 * keys and values, remembered responses and WebSocket attachments, each near its own limit) is one
 * row that the real Cassandra takes and gives back; one above Cassandra's largest write (half its
 * 32 MiB commit log segment) is refused, which is why the runtime refuses the write that would make
 * it.
 */
@ExtendWith(CassandraExtension.class)
class SnapshotSizeIT {
  private static final TestKeyspaces keyspaces = TestKeyspaces.forClass(SnapshotSizeIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static ActorTestKit testKit;
  private static ActorRef store;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) {
    keyspaces.create(cassandra);
    testKit =
        ActorTestKit.create(
            "SnapshotSizeIT",
            keyspaces
                .config(cassandra)
                .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
                .withFallback(ConfigFactory.load()));
    store =
        Persistence.get(Adapter.toClassic(testKit.system()))
            .snapshotStoreFor(
                testKit
                    .system()
                    .settings()
                    .config()
                    .getString("durable-objects.journal.snapshot-plugin-id"),
                ConfigFactory.empty());
  }

  @AfterAll
  static void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    keyspaces.drop(CassandraExtension.cassandra());
  }

  @Test
  void anObjectAtTheSnapshotLimitIsWrittenAndReadBack() throws Exception {
    long limit = StorageSettings.DEFAULTS.maxSnapshotBytes();
    CommittedState full = stateOf(limit);
    byte[] serialized =
        SerializationExtension.get(Adapter.toClassic(testKit.system())).serialize(full).get();
    assertThat((long) serialized.length).isEqualTo(limit);

    TestKit probe = new TestKit(classic());
    SnapshotMetadata metadata = new SnapshotMetadata("object-at-the-limit", 7, 1);
    store.tell(new SnapshotProtocol.SaveSnapshot(metadata, full), probe.getRef());
    probe.expectMsgClass(TIMEOUT, SaveSnapshotSuccess.class);

    store.tell(
        new SnapshotProtocol.LoadSnapshot(
            "object-at-the-limit", SnapshotSelectionCriteria.latest(), Long.MAX_VALUE),
        probe.getRef());
    SnapshotProtocol.LoadSnapshotResult loaded =
        probe.expectMsgClass(TIMEOUT, SnapshotProtocol.LoadSnapshotResult.class);
    assertThat(loaded.snapshot().isDefined()).isTrue();
    assertThat(loaded.snapshot().get().metadata().sequenceNr()).isEqualTo(7);
    assertThat(loaded.snapshot().get().snapshot()).isEqualTo(full);
  }

  @Test
  void aSnapshotAboveCassandrasLargestWriteIsRefused() {
    CommittedState tooLarge = stateOf(17L << 20);
    TestKit probe = new TestKit(classic());
    SnapshotMetadata metadata = new SnapshotMetadata("object-too-large", 1, 1);
    store.tell(new SnapshotProtocol.SaveSnapshot(metadata, tooLarge), probe.getRef());
    SaveSnapshotFailure failure = probe.expectMsgClass(TIMEOUT, SaveSnapshotFailure.class);
    // The native protocol's frame limit (native_transport_max_frame_size, with protocol v4) and the
    // largest mutation (half of commitlog_segment_size) are both 16 MiB by default: the request
    // meets the first.
    assertThat(failure.cause()).hasStackTraceContaining("16777216");
  }

  private static ActorSystem classic() {
    return Adapter.toClassic(testKit.system());
  }

  /**
   * An object of exactly {@code total} bytes ({@link ObjectSize}): about 8 MiB of keys and values
   * (128 KiB each), 3.75 MiB of remembered responses (64 KiB each), sockets with 16 KiB attachments
   * for the rest, and one last value to reach the byte.
   */
  private static CommittedState stateOf(long total) {
    KeyValueState data = KeyValueState.empty();
    for (int i = 0; i < 63; i++) {
      data = data.put(String.format("key-%03d", i), filled(128 * 1024, i));
    }
    IdempotencyRecords records = IdempotencyRecords.EMPTY;
    for (int i = 0; i < 60; i++) {
      records =
          records.remember(
              IdempotencyRecords.Remembered.of(
                  "idempotency-key-" + i,
                  1_000_000L,
                  86_400_000L,
                  "f".repeat(64),
                  Response.bytes(filled(64 * 1024, i)).withHeader("Content-Type", "text/plain")));
    }
    SocketRegistry sockets = SocketRegistry.empty();
    for (int i = 0; ; i++) {
      SocketRegistry next =
          sockets.with(
              new SocketRecord(
                  "socket-" + i, "gateway-ref-" + i, List.of("room"), filled(16 * 1024, i), i));
      if (size(data, records, next) + 64 > total) {
        break;
      }
      sockets = next;
    }
    long rest = total - size(data, records, sockets) - ObjectSize.ENTRY_FRAMING_BYTES - 4;
    data = data.put("last", filled((int) rest, 0));
    assertThat(size(data, records, sockets)).isEqualTo(total);
    return new CommittedState(data, records, 1_000_000L, AlarmSchedule.empty(), sockets);
  }

  private static long size(KeyValueState data, IdempotencyRecords records, SocketRegistry sockets) {
    return ObjectSize.of(data, records.snapshotBytes(), sockets, AlarmSchedule.empty()).total();
  }

  private static byte[] filled(int length, int seed) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) ('a' + seed % 26));
    return bytes;
  }
}
