package io.durableobjects.core.internal.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.entity.TransactionCommitted.AlarmChange;
import io.durableobjects.core.internal.entity.TransactionCommitted.Change;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalSerializerTest {
  private final JournalSerializer serializer = new JournalSerializer();

  private Object roundTrip(Object o) throws NotSerializableException {
    return serializer.fromBinary(serializer.toBinary(o), serializer.manifest(o));
  }

  @Test
  void transactionsRoundTripIncludingDeletesAndEmptyValues() throws Exception {
    TransactionCommitted tx =
        new TransactionCommitted(
            List.of(
                new Change("a", new byte[] {1, 2}),
                new Change("gone", null),
                new Change("ключ", new byte[0]),
                new Change("\uD83D\uDE00", new byte[] {3})));
    TransactionCommitted back = (TransactionCommitted) roundTrip(tx);

    assertThat(serializer.manifest(tx)).isEqualTo("transaction-committed");
    assertThat(back).isEqualTo(tx);
    assertThat(back.deleteAll()).isFalse();
    assertThat(back.changes().get(0).value()).containsExactly(1, 2);
    assertThat(back.changes().get(1).isDelete()).isTrue();
    assertThat(back.changes().get(2).key()).isEqualTo("ключ");
    assertThat(back.changes().get(2).value()).isEmpty();
  }

  @Test
  void deleteAllRoundTripsAsBitZeroOfTheFlags() throws Exception {
    TransactionCommitted alone = new TransactionCommitted(true, List.of());
    assertThat(serializer.toBinary(alone)).containsExactly(1, 0x01, 0, 0, 0, 0);
    assertThat(roundTrip(alone)).isEqualTo(alone);

    TransactionCommitted withChanges =
        new TransactionCommitted(
            true, List.of(new Change("a", new byte[] {9}), new Change("b", null)));
    TransactionCommitted back = (TransactionCommitted) roundTrip(withChanges);
    assertThat(back.deleteAll()).isTrue();
    assertThat(back).isEqualTo(withChanges);
  }

  @Test
  void readsVersionOnePayloadsWrittenBeforeTheDeleteAllFlag() throws Exception {
    // Exactly what the first version-1 writer produced (flags byte always 0): put "a" = {1, 2},
    // delete "b".
    byte[] legacy = {
      1, 0, 0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 2, 1, 2, 0, 0, 0, 1, 'b', -1, -1, -1, -1
    };
    TransactionCommitted read =
        (TransactionCommitted) serializer.fromBinary(legacy, "transaction-committed");
    assertThat(read)
        .isEqualTo(
            new TransactionCommitted(
                false, List.of(new Change("a", new byte[] {1, 2}), new Change("b", null))));
    // ... and the current writer still produces the same bytes for it.
    assertThat(serializer.toBinary(read)).isEqualTo(legacy);
  }

  @Test
  void snapshotsRoundTrip() throws Exception {
    KeyValueState data = KeyValueState.empty();
    for (int i = 0; i < 1000; i++) {
      data = data.put("key-" + i, new byte[] {(byte) i});
    }
    data = data.put("\uD83D\uDE00", new byte[0]).put("\uFFFD", new byte[] {1});
    CommittedState state = new CommittedState(data);
    CommittedState back = (CommittedState) roundTrip(state);
    assertThat(serializer.manifest(state)).isEqualTo("object-snapshot");
    assertThat(back.data().size()).isEqualTo(1002);
    assertThat(back.data().bytes()).isEqualTo(data.bytes());
    assertThat(back.data().get("key-999").orElseThrow()).containsExactly((byte) 999);
    assertThat(back).isEqualTo(state);
    assertThat(roundTrip(CommittedState.EMPTY)).isEqualTo(CommittedState.EMPTY);
  }

  @Test
  void snapshotsKeepTheirVersionOneLayout() throws Exception {
    CommittedState state =
        new CommittedState(KeyValueState.empty().put("b", new byte[] {2}).put("a", new byte[0]));
    byte[] expected = {1, 0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 1, 'b', 0, 0, 0, 1, 2};
    assertThat(serializer.toBinary(state)).isEqualTo(expected);
    assertThat(serializer.fromBinary(expected, "object-snapshot")).isEqualTo(state);
  }

  @Test
  void replayingRoundTrippedEventsOnARoundTrippedSnapshotGivesTheSameState() throws Exception {
    CommittedState state = CommittedState.EMPTY;
    state = state.apply(new TransactionCommitted(List.of(new Change("a", new byte[] {1}))));
    CommittedState snapshot = (CommittedState) roundTrip(state);
    List<TransactionCommitted> events =
        List.of(
            new TransactionCommitted(
                List.of(new Change("b", new byte[] {2}), new Change("c", new byte[] {3}))),
            new TransactionCommitted(true, List.of(new Change("d", new byte[] {4}))),
            new TransactionCommitted(List.of(new Change("d", null), new Change("e", new byte[0]))));
    CommittedState direct = state;
    CommittedState replayed = snapshot;
    for (TransactionCommitted event : events) {
      direct = direct.apply(event);
      replayed = replayed.apply((TransactionCommitted) roundTrip(event));
    }
    assertThat(replayed).isEqualTo(direct);
    assertThat(keys(direct.data())).containsExactly("e");
  }

  /**
   * Written by the version before requests were fingerprinted (commit 93293b5's serializer): an
   * event that puts "count" and remembers "k-1" (layout 1: with the key cap 1000, response "1"),
   * committed at 1000; and the snapshot (version 3) after it and a second event remembering "k-2"
   * (201, header X-A: b, body 1 2 3), committed at 2000.
   */
  private static final String EVENT_WITH_LAYOUT_1 =
      "01060000000100000005636f756e740000000107000000036b2d3100000000000003e80000000005265c0000"
          + "0003e8000000c8000000010000000c436f6e74656e742d5479706500000019746578742f706c61696e3b2063"
          + "6861727365743d5554462d38000000013100000000000003e8";

  private static final String SNAPSHOT_WITH_LAYOUT_1 =
      "030000000100000005636f756e74000000010700000002000000036b2d3100000000000003e8000000000526"
          + "5c00000003e8000000c8000000010000000c436f6e74656e742d5479706500000019746578742f706c61696e"
          + "3b20636861727365743d5554462d380000000131000000036b2d3200000000000007d00000000005265c0000"
          + "0003e8000000c90000000100000003582d4100000001620000000301020300000000000007d0";

  @Test
  void readsRememberedResponsesWrittenBeforeRequestsWereFingerprinted() throws Exception {
    TransactionCommitted event =
        (TransactionCommitted)
            serializer.fromBinary(
                HexFormat.of().parseHex(EVENT_WITH_LAYOUT_1), "transaction-committed");
    assertThat(event.changes()).containsExactly(new Change("count", new byte[] {7}));
    assertThat(event.committedAtMillis()).isEqualTo(1_000);
    IdempotencyRecords.Remembered k1 = event.remembered();
    assertThat(k1.key()).isEqualTo("k-1");
    assertThat(k1.maxKeys()).isEqualTo(1000); // replays prune by the cap of its time
    assertThat(k1.fingerprint()).isNull(); // matches any request, as it did
    assertThat(k1.response()).isEqualTo(Response.text("1"));

    CommittedState snapshot =
        (CommittedState)
            serializer.fromBinary(
                HexFormat.of().parseHex(SNAPSHOT_WITH_LAYOUT_1), "object-snapshot");
    assertThat(snapshot.lastWriteMillis()).isEqualTo(2_000);
    assertThat(snapshot.idempotency().oldestFirst())
        .extracting(IdempotencyRecords.Remembered::key)
        .containsExactly("k-1", "k-2");
    assertThat(snapshot.idempotency().get("k-2", 2_000).orElseThrow().response())
        .isEqualTo(Response.status(201).withHeader("X-A", "b").withBody(new byte[] {1, 2, 3}));

    // Written again, they take the new layouts, and read back the same.
    byte[] rewritten = serializer.toBinary(snapshot);
    assertThat(rewritten[0]).isEqualTo((byte) 6);
    CommittedState back = (CommittedState) serializer.fromBinary(rewritten, "object-snapshot");
    assertThat(back.data().get("count")).isPresent();
    assertThat(back.lastWriteMillis()).isEqualTo(2_000);
    assertThat(back.idempotency().oldestFirst())
        .extracting(IdempotencyRecords.Remembered::key, IdempotencyRecords.Remembered::response)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("k-1", Response.text("1")),
            org.assertj.core.groups.Tuple.tuple(
                "k-2", Response.status(201).withHeader("X-A", "b").withBody(new byte[] {1, 2, 3})));
  }

  @Test
  void fingerprintsResponsesNotKeptAndErasuresRoundTripInVersion2() throws Exception {
    TransactionCommitted notKept =
        new TransactionCommitted(List.of(new Change("count", new byte[] {1})))
            .withRemembered(
                IdempotencyRecords.Remembered.of("big", 5, 60_000, "ab".repeat(32), null))
            .withCommittedAt(5);
    byte[] bytes = serializer.toBinary(notKept);
    assertThat(bytes[0]).isEqualTo((byte) 2);
    assertThat(roundTrip(notKept)).isEqualTo(notKept);

    TransactionCommitted kept =
        new TransactionCommitted(List.of())
            .withRemembered(
                IdempotencyRecords.Remembered.of(
                    "small", 6, 60_000, "cd".repeat(32), Response.text("ok")));
    assertThat(roundTrip(kept)).isEqualTo(kept);

    TransactionCommitted erasure = new TransactionCommitted(true, List.of()).forgettingRemembered();
    assertThat(roundTrip(erasure)).isEqualTo(erasure);
    CommittedState before = CommittedState.EMPTY.apply(notKept).apply(kept);
    assertThat(before.idempotency().size()).isEqualTo(2);
    CommittedState after = before.apply(erasure);
    assertThat(after.idempotency().size()).isZero();
    assertThat(after.data().size()).isZero();
    // The object's own delete-all keeps the keys.
    assertThat(before.apply(new TransactionCommitted(true, List.of())).idempotency().size())
        .isEqualTo(2);

    CommittedState snapshotBack = (CommittedState) roundTrip(before);
    assertThat(snapshotBack.idempotency()).isEqualTo(before.idempotency());
  }

  @Test
  void anUnknownVersionOrManifestIsRefusedClearly() {
    byte[] bytes = serializer.toBinary(new TransactionCommitted(List.of()));
    bytes[0] = 9;
    assertThatThrownBy(() -> serializer.fromBinary(bytes, "transaction-committed"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessage(
            "corrupt transaction-committed: transaction-committed has format version 9; this node"
                + " reads versions 1 and 2");
    byte[] snapshot = serializer.toBinary(CommittedState.EMPTY);
    snapshot[0] = 7;
    assertThatThrownBy(() -> serializer.fromBinary(snapshot, "object-snapshot"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(
            "object-snapshot has format version 7; this node reads versions 1 to 6");
    assertThatThrownBy(() -> serializer.fromBinary(new byte[0], "something-else"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("unknown manifest 'something-else'");
    assertThatThrownBy(() -> serializer.manifest("a string"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commitTimesRoundTripAndOlderPayloadsReadWithoutThem() throws Exception {
    TransactionCommitted stamped =
        new TransactionCommitted(List.of(new Change("a", new byte[] {1}))).withCommittedAt(1234L);
    byte[] bytes = serializer.toBinary(stamped);
    assertThat(bytes[1]).isEqualTo((byte) 0x04);
    assertThat(serializer.fromBinary(bytes, "transaction-committed")).isEqualTo(stamped);
    TransactionCommitted unstamped =
        new TransactionCommitted(List.of(new Change("a", new byte[] {1})));
    assertThat(serializer.toBinary(unstamped)[1]).isZero();

    CommittedState state = CommittedState.EMPTY.apply(stamped);
    assertThat(state.lastWriteMillis()).isEqualTo(1234L);
    byte[] snapshot = serializer.toBinary(state);
    assertThat(snapshot[0]).isEqualTo((byte) 3);
    assertThat(serializer.fromBinary(snapshot, "object-snapshot")).isEqualTo(state);
    // An event without a time keeps the time of the last one that had it.
    assertThat(state.apply(unstamped).lastWriteMillis()).isEqualTo(1234L);
  }

  @Test
  void alarmChangesAndPendingAlarmsRoundTrip() throws Exception {
    ScheduledAlarm daily = ScheduledAlarm.at("daily", 5_000L);
    ScheduledAlarm retried = ScheduledAlarm.at("default", 1_000L).retriedAt(3_000L);
    TransactionCommitted set =
        new TransactionCommitted(List.of(new Change("a", new byte[] {1})))
            .withCommittedAt(10L)
            .withAlarmChanges(
                List.of(new AlarmChange("daily", daily), new AlarmChange("default", retried)));
    byte[] bytes = serializer.toBinary(set);
    assertThat(bytes[1]).isEqualTo((byte) 0x0c);
    assertThat(serializer.fromBinary(bytes, "transaction-committed")).isEqualTo(set);
    TransactionCommitted deleted =
        new TransactionCommitted(List.of())
            .withAlarmChanges(List.of(new AlarmChange("daily", null)));
    assertThat(serializer.fromBinary(serializer.toBinary(deleted), "transaction-committed"))
        .isEqualTo(deleted);

    CommittedState state = CommittedState.EMPTY.apply(set);
    assertThat(state.alarms().all()).containsExactly(daily, retried);
    byte[] snapshot = serializer.toBinary(state);
    assertThat(snapshot[0]).isEqualTo((byte) 4);
    assertThat(serializer.fromBinary(snapshot, "object-snapshot")).isEqualTo(state);
    assertThat(state.apply(deleted).alarms().all()).containsExactly(retried);
    // A delete-all removes the alarms with the keys.
    assertThat(state.apply(new TransactionCommitted(true, List.of())).alarms().isEmpty()).isTrue();
    // Without alarms the snapshot stays at the version older nodes read.
    assertThat(serializer.toBinary(state.apply(new TransactionCommitted(true, List.of())))[0])
        .isEqualTo((byte) 3);
  }

  @Test
  void socketsAndTheAutoResponseRoundTrip() throws Exception {
    SocketRecord held =
        new SocketRecord(
            "s1", "pekko://n/user/ws-s1", List.of("member"), new byte[] {'"', 'a', '"'}, 0);
    TransactionCommitted accepted =
        new TransactionCommitted(
            false,
            List.of(),
            null,
            5L,
            List.of(),
            List.of(new TransactionCommitted.SocketChange("s1", held)),
            new TransactionCommitted.AutoResponse("ping", "pong"));
    byte[] bytes = serializer.toBinary(accepted);
    assertThat(bytes[1]).isEqualTo((byte) 0x34);
    assertThat(serializer.fromBinary(bytes, "transaction-committed")).isEqualTo(accepted);
    CommittedState state = CommittedState.EMPTY.apply(accepted);
    byte[] snapshot = serializer.toBinary(state);
    assertThat(snapshot[0]).isEqualTo((byte) 5);
    assertThat(serializer.fromBinary(snapshot, "object-snapshot")).isEqualTo(state);
    // A delete-all keeps the sockets: they are connections, not data.
    assertThat(state.apply(new TransactionCommitted(true, List.of())).sockets().all())
        .containsExactly(held);
    TransactionCommitted forgotten =
        new TransactionCommitted(
            false,
            List.of(),
            null,
            0L,
            List.of(),
            List.of(new TransactionCommitted.SocketChange("s1", null)),
            null);
    CommittedState after = state.apply(forgotten);
    assertThat(after.sockets().all()).isEmpty();
    assertThat(serializer.fromBinary(serializer.toBinary(after), "object-snapshot"))
        .isEqualTo(after);
  }

  @Test
  void unknownFlagsAreRefusedRatherThanIgnored() {
    byte[] bytes = serializer.toBinary(new TransactionCommitted(true, List.of()));
    bytes[1] = 0x41;
    assertThatThrownBy(() -> serializer.fromBinary(bytes, "transaction-committed"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessage(
            "corrupt transaction-committed: transaction-committed has unknown flags 0x41; this"
                + " node knows 0x3f in version 1");
    bytes[1] = (byte) 0x80;
    assertThatThrownBy(() -> serializer.fromBinary(bytes, "transaction-committed"))
        .hasMessageContaining("unknown flags 0x80");
    // Version 2 has two flag bytes, and knows the erasure flag (bit 6) besides.
    byte[] erasing =
        serializer.toBinary(new TransactionCommitted(true, List.of()).forgettingRemembered());
    assertThat(erasing[0]).isEqualTo((byte) 2);
    assertThat(new byte[] {erasing[1], erasing[2]}).containsExactly(0x00, 0x41);
    erasing[1] = 0x01;
    assertThatThrownBy(() -> serializer.fromBinary(erasing, "transaction-committed"))
        .hasMessageContaining("unknown flags 0x141; this node knows 0x7f in version 2");
  }

  @Test
  void truncatedOrInconsistentPayloadsAreRefused() {
    byte[] bytes =
        serializer.toBinary(
            new TransactionCommitted(List.of(new Change("a", new byte[] {1, 2, 3}))));
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> serializer.fromBinary(truncated, "transaction-committed"))
          .as("truncated to %d bytes", length)
          .isInstanceOf(NotSerializableException.class)
          .hasMessageStartingWith("corrupt transaction-committed");
    }
    byte[] hugeCount = bytes.clone();
    hugeCount[2] = 0x7f; // claims 2 billion changes: refused before allocating anything
    assertThatThrownBy(() -> serializer.fromBinary(hugeCount, "transaction-committed"))
        .hasMessageContaining("bad change count");
    byte[] negativeCount = serializer.toBinary(CommittedState.EMPTY);
    negativeCount[1] = (byte) 0xff;
    assertThatThrownBy(() -> serializer.fromBinary(negativeCount, "object-snapshot"))
        .hasMessageContaining("bad entry count -");
    byte[] deletedInSnapshot = {1, 0, 0, 0, 1, 0, 0, 0, 1, 'a', -1, -1, -1, -1};
    assertThatThrownBy(() -> serializer.fromBinary(deletedInSnapshot, "object-snapshot"))
        .hasMessageContaining("snapshot entry 'a' has no value");
  }

  private static List<String> keys(KeyValueState state) {
    List<String> keys = new java.util.ArrayList<>();
    state.iterator().forEachRemaining(e -> keys.add(e.getKey()));
    return keys;
  }
}
