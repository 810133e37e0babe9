package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Response;
import io.durableobjects.core.internal.serialization.JournalSerializer;
import io.durableobjects.core.internal.storage.KeyValueState;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdempotencyRecordsTest {

  private static IdempotencyRecords.Remembered record(
      String key, long at, long retention, int max) {
    return new IdempotencyRecords.Remembered(
        key, at, retention, max, Response.text("answer to " + key).withHeader("Set-Cookie", "a"));
  }

  @Test
  void keysAreForgottenAfterTheirRetentionAndBeyondTheCap() {
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
            .withRemembered(record("key-1", 5, 1000, 10));
    TransactionCommitted eventBack =
        (TransactionCommitted)
            serializer.fromBinary(serializer.toBinary(event), serializer.manifest(event));
    assertThat(eventBack).isEqualTo(event);

    CommittedState state =
        CommittedState.EMPTY
            .apply(event)
            .apply(
                new TransactionCommitted(List.of()).withRemembered(record("key-2", 6, 1000, 10)));
    CommittedState back =
        (CommittedState)
            serializer.fromBinary(serializer.toBinary(state), serializer.manifest(state));
    assertThat(back.idempotency()).isEqualTo(state.idempotency());
    assertThat(back.idempotency().get("key-1", 10).orElseThrow().response().headers())
        .isEqualTo(record("key-1", 5, 1000, 10).response().headers());
    assertThat(back.data().get("k")).isPresent();

    // A snapshot without remembered keys keeps the version-1 format.
    byte[] plain = serializer.toBinary(new CommittedState(KeyValueState.empty()));
    assertThat(plain[0]).isEqualTo((byte) 1);
  }
}
