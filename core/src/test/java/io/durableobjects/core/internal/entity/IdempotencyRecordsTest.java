package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Response;
import io.durableobjects.core.internal.serialization.JournalSerializer;
import io.durableobjects.core.internal.storage.KeyValueState;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdempotencyRecordsTest {

  /** A record as written before keys were fingerprinted, with the key cap of its time. */
  private static IdempotencyRecords.Remembered record(
      String key, long at, long retention, int max) {
    return new IdempotencyRecords.Remembered(
        key,
        at,
        retention,
        max,
        null,
        Response.text("answer to " + key).withHeader("Set-Cookie", "a"));
  }

  private static IdempotencyRecords.Remembered bound(String key, long at, long retention) {
    return IdempotencyRecords.Remembered.of(
        key, at, retention, "f".repeat(64), Response.text("answer to " + key));
  }

  @Test
  void everyKeyOfThisVersionIsKeptForItsWholeRetention() {
    IdempotencyRecords r = IdempotencyRecords.EMPTY;
    for (int i = 0; i < 5_000; i++) {
      r = r.remember(bound("k-" + i, 1_000 + i, 60_000));
    }
    // The cap of 1 000 keys is gone: the oldest key is still there, and answers its retry.
    assertThat(r.size()).isEqualTo(5_000);
    assertThat(r.get("k-0", 60_000)).isPresent();
    assertThat(r.get("k-0", 61_001)).isEmpty();
    // Only the retention prunes, when a record is added.
    r = r.remember(bound("late", 62_500, 60_000));
    assertThat(r.size()).isEqualTo(5_000 - 1_500 + 1);
  }

  @Test
  void theRecordsCountTheirBytesAndOnlyTheLiveOnesCountAgainstTheLimit() {
    IdempotencyRecords.Remembered a = bound("a", 1_000, 500);
    IdempotencyRecords.Remembered notKept =
        IdempotencyRecords.Remembered.of("b", 1_200, 500, "e".repeat(64), null);
    assertThat(a.bytes())
        .isEqualTo(
            IdempotencyRecords.RECORD_OVERHEAD_BYTES
                + 1
                + 64
                + "answer to a".length()
                + "Content-Type".length()
                + a.response().header("Content-Type").orElseThrow().length()
                + 8);
    assertThat(notKept.bytes()).isEqualTo(IdempotencyRecords.RECORD_OVERHEAD_BYTES + 1 + 64);
    IdempotencyRecords r = IdempotencyRecords.EMPTY.remember(a).remember(notKept);
    assertThat(r.bytes()).isEqualTo(a.bytes() + notKept.bytes());
    assertThat(r.liveBytes(1_400)).isEqualTo(r.bytes());
    assertThat(r.liveBytes(1_600)).isEqualTo(notKept.bytes()); // a expired, not yet pruned
    assertThat(r.nextExpiryMillis(1_600)).isEqualTo(1_700);
    // A record replacing one of the same key counts once.
    assertThat(r.remember(bound("a", 1_300, 500)).bytes()).isEqualTo(r.bytes());
    // Pruning takes the bytes away with the records.
    assertThat(r.remember(bound("c", 1_650, 500)).bytes())
        .isEqualTo(notKept.bytes() + bound("c", 1_650, 500).bytes());
  }

  @Test
  void keysWrittenWithACapStillReplayToTheSameRecords() {
    IdempotencyRecords r = IdempotencyRecords.EMPTY;
    r = r.remember(record("a", 1_000, 500, 3));
    r = r.remember(record("b", 1_200, 500, 3));
    assertThat(r.get("a", 1_400)).isPresent();
    assertThat(r.get("a", 1_501)).isEmpty(); // past its retention when read
    r = r.remember(record("c", 1_600, 500, 3)); // prunes a (older than 1600 - 500)
    assertThat(r.oldestFirst())
        .extracting(IdempotencyRecords.Remembered::key)
        .containsExactly("b", "c");
    r = r.remember(record("d", 1_601, 500, 2)); // cap 2: b goes
    assertThat(r.oldestFirst())
        .extracting(IdempotencyRecords.Remembered::key)
        .containsExactly("c", "d");
    assertThat(r.size()).isEqualTo(2);
  }

  @Test
  void eventsAndSnapshotsCarryTheRememberedResponses() throws Exception {
    JournalSerializer serializer = new JournalSerializer();
    TransactionCommitted event =
        new TransactionCommitted(List.of(new TransactionCommitted.Change("k", new byte[] {1})))
            .withRemembered(bound("key-1", 5, 1000));
    TransactionCommitted eventBack =
        (TransactionCommitted)
            serializer.fromBinary(serializer.toBinary(event), serializer.manifest(event));
    assertThat(eventBack).isEqualTo(event);

    CommittedState state =
        CommittedState.EMPTY
            .apply(event)
            .apply(
                new TransactionCommitted(List.of())
                    .withRemembered(
                        IdempotencyRecords.Remembered.of("key-2", 6, 1000, "0".repeat(64), null)));
    CommittedState back =
        (CommittedState)
            serializer.fromBinary(serializer.toBinary(state), serializer.manifest(state));
    assertThat(back.idempotency()).isEqualTo(state.idempotency());
    assertThat(back.idempotency().get("key-1", 10).orElseThrow().response().headers())
        .isEqualTo(bound("key-1", 5, 1000).response().headers());
    assertThat(back.idempotency().get("key-2", 10).orElseThrow().responseKept()).isFalse();
    assertThat(back.idempotency().get("key-2", 10).orElseThrow().fingerprint())
        .isEqualTo("0".repeat(64));
    assertThat(back.data().get("k")).isPresent();

    // A snapshot without remembered keys keeps the version-1 format.
    byte[] plain = serializer.toBinary(new CommittedState(KeyValueState.empty()));
    assertThat(plain[0]).isEqualTo((byte) 1);
  }
}
