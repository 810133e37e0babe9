package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.StorageKey;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransactionalStorageTest {
  private final ValueCodec codec = new ValueCodec(new ObjectMapper());

  record Item(String name, int quantity) {}

  private TransactionalStorage txWith(Object... keysAndValues) {
    KeyValueState state = KeyValueState.empty();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String key = (String) keysAndValues[i];
      state = state.put(key, codec.encode(key, keysAndValues[i + 1]));
    }
    return Transactions.over(state, codec);
  }

  /** The event replayed on the state the transaction started from gives its result. */
  private static void assertEventReplays(KeyValueState before, TransactionalStorage tx) {
    assertThat(new CommittedState(before).apply(tx.toEvent()).data()).isEqualTo(tx.result());
  }

  // ---- single keys -------------------------------------------------------------------------

  @Test
  void readsItsOwnWritesWithoutTouchingTheStateItStartedFrom() {
    KeyValueState before = KeyValueState.empty().put("count", codec.encode("count", 41L));
    TransactionalStorage tx = Transactions.over(before, codec);

    tx.put("count", tx.get("count", Long.class).orElseThrow() + 1);
    tx.put("item", new Item("apple", 3));

    assertThat(tx.get("count", Long.class)).contains(42L);
    assertThat(tx.get("item", Item.class)).contains(new Item("apple", 3));
    assertThat(before.size()).isEqualTo(1);
    assertThat(codec.decode("count", before.get("count").orElseThrow(), Long.class)).isEqualTo(41L);
    assertEventReplays(before, tx);
  }

  @Test
  void deleteReportsWhetherTheKeyExistedAndHidesIt() {
    TransactionalStorage tx = txWith("k", "v");
    assertThat(tx.delete("k")).isTrue();
    assertThat(tx.delete("k")).isFalse();
    assertThat(tx.get("k", String.class)).isEmpty();
    assertThat(tx.delete("never")).isFalse();
    assertThat(tx.toEvent().changes()).containsExactly(new TransactionCommitted.Change("k", null));
  }

  @Test
  void deletingOnlyAbsentKeysIsNoChange() {
    TransactionalStorage tx = txWith("k", "v");
    assertThat(tx.delete("absent")).isFalse();
    assertThat(tx.delete(List.of("x", "y"))).isZero();
    assertThat(tx.hasChanges()).isFalse();
  }

  @Test
  void theEventListsEachWrittenKeyOnceInKeyOrderAndReplaysToTheSameState() {
    KeyValueState before =
        KeyValueState.empty()
            .put("gone", codec.encode("gone", 1))
            .put("kept", codec.encode("kept", 2));
    TransactionalStorage tx = Transactions.over(before, codec);
    tx.put("a", "x");
    tx.put("a", "y");
    tx.delete("gone");
    tx.put("b", new byte[] {1, 2, 3});
    tx.put("tmp", 1);
    tx.delete("tmp");

    TransactionCommitted event = tx.toEvent();
    assertThat(event.deleteAll()).isFalse();
    assertThat(event.changes())
        .extracting(TransactionCommitted.Change::key)
        .containsExactly("a", "b", "gone", "tmp");
    assertThat(event.changes().get(0).value()).isEqualTo(codec.encode("a", "y"));
    assertThat(event.changes().get(2).isDelete()).isTrue();
    assertEventReplays(before, tx);
  }

  @Test
  void rawBytesAreStoredAsIsAndReadBackAsACopy() {
    TransactionalStorage tx = txWith();
    byte[] data = {0, 1, (byte) 0xff};
    tx.put("blob", data);
    data[0] = 9; // the caller's array is not shared
    byte[] read = tx.get("blob", byte[].class).orElseThrow();
    assertThat(read).containsExactly(0, 1, 0xff);
    read[1] = 7;
    assertThat(tx.get("blob", byte[].class).orElseThrow()).containsExactly(0, 1, 0xff);
    assertThat(tx.get("blob", Object.class).orElseThrow())
        .isEqualTo(new byte[] {0, 1, (byte) 0xff});
    assertThatThrownBy(() -> tx.get("blob", String.class))
        .isInstanceOf(StorageException.class)
        .hasMessage("key 'blob' holds raw bytes; read it as byte[], not java.lang.String");
  }

  @Test
  void jsonValuesAreReadBackAsCopies() {
    TransactionalStorage tx = txWith();
    List<String> list = new ArrayList<>(List.of("a"));
    tx.put("list", list);
    list.add("b");
    @SuppressWarnings("unchecked")
    List<String> read = tx.get("list", List.class).orElseThrow();
    assertThat(read).containsExactly("a");
    read.add("c");
    assertThat(tx.get("list", List.class).orElseThrow()).containsExactly("a");
  }

  @Test
  void refusesBadKeysAndValuesWithPreciseMessagesAndWritesNothing() {
    TransactionalStorage tx = txWith();
    assertThatThrownBy(() -> tx.put((String) null, 1)).hasMessage("storage key must not be null");
    assertThatThrownBy(() -> tx.put("", 1)).hasMessage("storage key must not be empty");
    assertThatThrownBy(() -> tx.put("k", null))
        .hasMessage("cannot store null under key 'k'; use delete to remove a key");
    assertThatThrownBy(() -> tx.put("x".repeat(Storage.MAX_KEY_BYTES + 1), 1))
        .hasMessage("storage key is 2049 bytes in UTF-8; the limit is 2048 bytes");
    assertThatThrownBy(() -> tx.put("\uD800", 1))
        .hasMessage("storage key has an unpaired surrogate at index 0");
    assertThatThrownBy(() -> tx.put("a\uDC00", 1))
        .hasMessage("storage key has an unpaired surrogate at index 1");
    assertThatThrownBy(() -> tx.put("big", new byte[Storage.MAX_VALUE_BYTES + 1]))
        .hasMessage("value for key 'big' is 131073 bytes serialized; the limit is 131072 bytes");
    assertThatThrownBy(() -> tx.put("obj", new Object()))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot serialize the value for key 'obj' (java.lang.Object): ");
    assertThatThrownBy(() -> tx.get("", String.class)).hasMessage("storage key must not be empty");
    assertThatThrownBy(() -> tx.delete((String) null)).hasMessage("storage key must not be null");
    assertThat(tx.hasChanges()).isFalse();
    assertThat(tx.result().size()).isZero();

    tx.put("n", Map.of("a", List.of(1, 2)));
    assertThatThrownBy(() -> tx.get("n", Long.class))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot read key 'n' as java.lang.Long: ");
    assertThatThrownBy(() -> tx.get("n", (Class<Object>) null))
        .hasMessage("the type to read key 'n' as must not be null");
  }

  @Test
  void sizeLimitsAreReportedAs413AndOtherRefusalsAs500() {
    TransactionalStorage tx = txWith();
    StorageException tooLong = catchStorage(() -> tx.put("x".repeat(Storage.MAX_KEY_BYTES + 1), 1));
    assertThat(tooLong.status()).isEqualTo(413);
    assertThat(tooLong.code()).isEqualTo("storage_limit_exceeded");
    assertThat(tooLong.isLimitExceeded()).isTrue();
    StorageException empty = catchStorage(() -> tx.put("", 1));
    assertThat(empty.status()).isEqualTo(500);
    assertThat(empty.code()).isEqualTo("storage_error");
    assertThat(empty.isLimitExceeded()).isFalse();
  }

  @Test
  void aKeyOfExactlyTheLimitIsAccepted() {
    TransactionalStorage tx = txWith();
    String key = "é".repeat(Storage.MAX_KEY_BYTES / 2); // 2 bytes each in UTF-8
    tx.put(key, true);
    assertThat(tx.get(key, Boolean.class)).contains(true);
    String emoji = "\uD83D\uDE00".repeat(Storage.MAX_KEY_BYTES / 4); // 4 bytes each
    tx.put(emoji, 1);
    assertThatThrownBy(() -> tx.put(emoji + "a", 1))
        .hasMessage("storage key is 2049 bytes in UTF-8; the limit is 2048 bytes");
  }

  @Test
  void theValueLimitIsConfigurableAndAValueOfExactlyTheLimitIsAccepted() {
    ValueCodec small = new ValueCodec(new ObjectMapper(), 10);
    TransactionalStorage tx = Transactions.over(KeyValueState.empty(), small);
    tx.put("raw", new byte[10]);
    tx.put("json", "12345678"); // "12345678" with quotes: 10 bytes
    assertThatThrownBy(() -> tx.put("raw", new byte[11]))
        .hasMessage("value for key 'raw' is 11 bytes serialized; the limit is 10 bytes");
    assertThatThrownBy(() -> tx.put("json", "123456789"))
        .hasMessage("value for key 'json' is 11 bytes serialized; the limit is 10 bytes");
    assertThat(tx.get("raw", byte[].class).orElseThrow()).hasSize(10);
    assertThat(tx.get("json", String.class)).contains("12345678");
  }

  // ---- the object limit --------------------------------------------------------------------

  @Test
  void aPutThatWouldExceedTheObjectLimitFailsAndWritesNothing() {
    // Each entry "kN" -> 5 raw bytes counts 2 (key) + 1 (tag) + 5 = 8 bytes.
    TransactionalStorage tx = Transactions.over(KeyValueState.empty(), codec, 24);
    tx.put("k1", new byte[5]);
    tx.put("k2", new byte[5]);
    tx.put("k3", new byte[5]);
    assertThat(tx.result().bytes()).isEqualTo(24);
    assertThatThrownBy(() -> tx.put("k4", new byte[0]))
        .isInstanceOf(StorageException.class)
        .hasMessage(
            "storing key 'k4' would make the object's storage 27 bytes; the limit is 24 bytes")
        .satisfies(e -> assertThat(((StorageException) e).status()).isEqualTo(413));
    assertThatThrownBy(() -> tx.put("k3", new byte[6]))
        .hasMessage(
            "storing key 'k3' would make the object's storage 25 bytes; the limit is 24 bytes");
    assertThat(tx.result().bytes()).isEqualTo(24);
    assertThat(tx.get("k4", byte[].class)).isEmpty();

    // Replacing with a value of the same size or smaller, and deleting, always work.
    tx.put("k3", new byte[5]);
    tx.put("k3", new byte[1]);
    assertThat(tx.result().bytes()).isEqualTo(20);
    tx.put("k4", new byte[1]); // 2 + 1 + 1 = 4: exactly the limit again
    assertThat(tx.result().bytes()).isEqualTo(24);
  }

  @Test
  void everyWriteThatWouldTakeTheSnapshotAboveItsLimitFailsNamingWhatFillsIt() {
    // A 1000-byte snapshot; the object's idempotency records already take 900 of it.
    ValueCodec small = new ValueCodec(new ObjectMapper(), new StorageSettings(1000, 500, 1000));
    TransactionalStorage tx =
        new TransactionalStorage(
            KeyValueState.empty(),
            AlarmSchedule.empty(),
            SocketRegistry.empty(),
            900,
            small,
            500,
            AlarmRules.PERMISSIVE);
    tx.put("a", new byte[40]); // 34 fixed + 900 + (8 + 1 + 41) = 984
    assertThat(tx.size().total()).isEqualTo(984);
    assertThatThrownBy(() -> tx.put("b", new byte[10]))
        .isInstanceOf(StorageException.class)
        .hasMessage(
            "storing key 'b' would make the object's snapshot 1004 bytes (keys and values 70,"
                + " idempotency records 900, WebSockets 0, alarms 0); the limit is 1000 bytes"
                + " (durable-objects.storage.max-snapshot-size)")
        .satisfies(e -> assertThat(((StorageException) e).status()).isEqualTo(413));
    assertThatThrownBy(() -> tx.setAlarm("later", java.time.Instant.ofEpochSecond(1)))
        .hasMessageStartingWith("setting alarm 'later' would make the object's snapshot 1013");
    assertThatThrownBy(() -> tx.setAutoResponse("ping!", "pong"))
        .hasMessageStartingWith(
            "setting the WebSocket auto-response would make the object's snapshot 1001")
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(
            () ->
                tx.putSocket(
                    new SocketRecord("s", "g", List.of(), null, 0), "accepting WebSocket s"))
        .hasMessageStartingWith("accepting WebSocket s would make the object's snapshot 1010");
    assertThat(tx.hasChanges()).isTrue();
    assertThat(tx.toEvent().alarmChanges()).isEmpty();
    assertThat(tx.toEvent().socketChanges()).isEmpty();
    assertThat(tx.toEvent().autoResponse()).isNull();
    // What does not grow the object is accepted, and what is left fits exactly.
    tx.put("a", new byte[40]);
    tx.put("a", new byte[56]); // 984 + 16 = 1000: exactly the limit
    assertThat(tx.size().total()).isEqualTo(1000);
  }

  @Test
  void anObjectAlreadyAboveALoweredLimitCanStillShrink() {
    KeyValueState big =
        KeyValueState.empty()
            .put("a", codec.encode("a", new byte[50]))
            .put("b", codec.encode("b", new byte[50]));
    TransactionalStorage tx = Transactions.over(big, codec, 10);
    tx.put("a", new byte[20]); // shrinks: accepted though still above the limit
    assertThat(tx.delete("b")).isTrue();
    assertThatThrownBy(() -> tx.put("a", new byte[21]))
        .hasMessage(
            "storing key 'a' would make the object's storage 23 bytes; the limit is 10 bytes");
  }

  @Test
  void theObjectLimitComesFromTheCodecSettings() {
    ValueCodec limited = new ValueCodec(new ObjectMapper(), new StorageSettings(100, 10));
    TransactionalStorage tx = Transactions.over(KeyValueState.empty(), limited);
    tx.put("k", new byte[8]); // 1 + 1 + 8 = 10
    assertThatThrownBy(() -> tx.put("j", new byte[0]))
        .hasMessage(
            "storing key 'j' would make the object's storage 12 bytes; the limit is 10 bytes");
  }

  // ---- several keys ------------------------------------------------------------------------

  @Test
  void getManyReturnsOnlyPresentKeysInUtf8Order() {
    TransactionalStorage tx = txWith("b", 2, "\uD83D\uDE00", 4, "\uFFFD", 3, "a", 1);
    Map<String, Integer> read =
        tx.get(List.of("\uD83D\uDE00", "missing", "b", "\uFFFD", "a", "b"), Integer.class);
    assertThat(read)
        .containsExactly(
            Map.entry("a", 1),
            Map.entry("b", 2),
            Map.entry("\uFFFD", 3),
            Map.entry("\uD83D\uDE00", 4));
    assertThat(tx.get(List.of(), Integer.class)).isEmpty();
    assertThat(tx.get(List.of("x", "y"), Integer.class)).isEmpty();
    assertThatThrownBy(() -> read.put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void getManyValidatesEveryKey() {
    TransactionalStorage tx = txWith("a", 1);
    assertThatThrownBy(() -> tx.get((List<String>) null, Integer.class))
        .hasMessage("the collection of storage keys must not be null");
    assertThatThrownBy(() -> tx.get(Arrays.asList("a", null), Integer.class))
        .hasMessage("storage key must not be null");
    assertThatThrownBy(() -> tx.get(List.of("a", ""), Integer.class))
        .hasMessage("storage key must not be empty");
    assertThatThrownBy(() -> tx.get(List.of("a"), Item.class))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot read key 'a' as " + Item.class.getName());
  }

  @Test
  void putManyStoresEverything() {
    TransactionalStorage tx = txWith("a", 0);
    Map<String, Object> entries = new LinkedHashMap<>();
    entries.put("c", "three");
    entries.put("a", 1);
    entries.put("b", new byte[] {2});
    tx.put(entries);
    assertThat(tx.get("a", Integer.class)).contains(1);
    assertThat(tx.get("b", byte[].class).orElseThrow()).containsExactly(2);
    assertThat(tx.get("c", String.class)).contains("three");
    assertThat(tx.toEvent().changes())
        .extracting(TransactionCommitted.Change::key)
        .containsExactly("a", "b", "c");
    tx.put(Map.of());
    assertThat(tx.result().size()).isEqualTo(3);
  }

  @Test
  void putManyIsAllOrNothing() {
    TransactionalStorage tx = txWith("a", 0);
    Map<String, Object> badValue = new LinkedHashMap<>();
    badValue.put("a", 1);
    badValue.put("b", null);
    assertThatThrownBy(() -> tx.put(badValue))
        .hasMessage("cannot store null under key 'b'; use delete to remove a key");

    Map<String, Object> badKey = new LinkedHashMap<>();
    badKey.put("a", 1);
    badKey.put("x".repeat(3000), 2);
    assertThatThrownBy(() -> tx.put(badKey))
        .hasMessage("storage key is 3000 bytes in UTF-8; the limit is 2048 bytes");

    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put("a", 1);
    nullKey.put(null, 2);
    assertThatThrownBy(() -> tx.put(nullKey)).hasMessage("storage key must not be null");

    Map<String, Object> tooBig = new LinkedHashMap<>();
    tooBig.put("a", 1);
    tooBig.put("big", new byte[Storage.MAX_VALUE_BYTES + 1]);
    assertThatThrownBy(() -> tx.put(tooBig))
        .hasMessage("value for key 'big' is 131073 bytes serialized; the limit is 131072 bytes");

    assertThatThrownBy(() -> tx.put((Map<String, ?>) null))
        .hasMessage("the entries to store must not be null");
    assertThat(tx.get("a", Integer.class)).contains(0);
    assertThat(tx.hasChanges()).isFalse();
  }

  @Test
  void putManyChecksTheObjectLimitForAllEntriesTogether() {
    // "a" -> raw[2]: 1 + 1 + 2 = 4 bytes each.
    TransactionalStorage tx = Transactions.over(KeyValueState.empty(), codec, 10);
    assertThatThrownBy(() -> tx.put(Map.of("a", new byte[2], "b", new byte[2], "c", new byte[2])))
        .hasMessage(
            "storing these 3 entries would make the object's storage 12 bytes; the limit is 10"
                + " bytes");
    assertThatThrownBy(() -> tx.put(Map.of("a", new byte[9])))
        .hasMessage(
            "storing key 'a' would make the object's storage 11 bytes; the limit is 10 bytes");
    assertThat(tx.hasChanges()).isFalse();
    tx.put(Map.of("a", new byte[2], "b", new byte[2]));
    assertThat(tx.result().bytes()).isEqualTo(8);
  }

  @Test
  void deleteManyCountsTheKeysThatExistedOnce() {
    TransactionalStorage tx = txWith("a", 1, "b", 2, "c", 3);
    assertThat(tx.delete(List.of("a", "a", "c", "missing"))).isEqualTo(2);
    assertThat(tx.get(List.of("a", "b", "c"), Integer.class)).containsOnlyKeys("b");
    assertThat(tx.delete(List.of())).isZero();
  }

  @Test
  void deleteManyValidatesEveryKeyBeforeDeletingAny() {
    TransactionalStorage tx = txWith("a", 1);
    assertThatThrownBy(() -> tx.delete(Arrays.asList("a", null)))
        .hasMessage("storage key must not be null");
    assertThatThrownBy(() -> tx.delete((List<String>) null))
        .hasMessage("the collection of storage keys must not be null");
    assertThat(tx.get("a", Integer.class)).contains(1);
    assertThat(tx.hasChanges()).isFalse();
  }

  // ---- deleteAll ---------------------------------------------------------------------------

  @Test
  void deleteAllRemovesEveryKeyAndKeepsLaterWritesOfTheSameRequest() {
    KeyValueState before = txWith("a", 1, "b", 2, "c", 3).result();
    TransactionalStorage tx = Transactions.over(before, codec);
    tx.put("d", 4);
    tx.deleteAll();
    assertThat(tx.list(Integer.class)).isEmpty();
    assertThat(tx.result().bytes()).isZero();
    tx.put("b", 20);
    tx.put("e", 5);
    assertThat(tx.list(Integer.class)).containsExactly(Map.entry("b", 20), Map.entry("e", 5));

    TransactionCommitted event = tx.toEvent();
    assertThat(event.deleteAll()).isTrue();
    assertThat(event.changes())
        .extracting(TransactionCommitted.Change::key)
        .containsExactly("b", "e");
    assertThat(tx.hasChanges()).isTrue();
    assertEventReplays(before, tx);
  }

  @Test
  void deleteAllAloneIsAChangeUnlessTheObjectWasEmpty() {
    TransactionalStorage tx = txWith("a", 1);
    tx.deleteAll();
    assertThat(tx.hasChanges()).isTrue();
    assertThat(tx.toEvent()).isEqualTo(new TransactionCommitted(true, List.of()));
    tx.deleteAll(); // again: still a delete-all
    assertThat(tx.toEvent().deleteAll()).isTrue();

    TransactionalStorage empty = txWith();
    empty.deleteAll();
    assertThat(empty.hasChanges()).isFalse();
  }

  // ---- typed keys --------------------------------------------------------------------------

  @Test
  void typedKeysReadAndWriteTheSameEntriesAsTheirNames() {
    StorageKey<Long> count = StorageKey.of("count", Long.class);
    StorageKey<Item> item = StorageKey.of("item", Item.class);
    StorageKey<byte[]> blob = StorageKey.of("blob", byte[].class);
    TransactionalStorage tx = txWith();

    assertThat(tx.get(count)).isEmpty();
    tx.put(count, 41L);
    tx.put(count, tx.get(count).orElseThrow() + 1);
    tx.put(item, new Item("pear", 2));
    tx.put(blob, new byte[] {7});
    assertThat(tx.get("count", Long.class)).contains(42L);
    assertThat(tx.get(item)).contains(new Item("pear", 2));
    assertThat(tx.get(blob).orElseThrow()).containsExactly(7);
    assertThat(tx.delete(item)).isTrue();
    assertThat(tx.delete(item)).isFalse();
    assertThat(tx.get(item)).isEmpty();
    assertThatThrownBy(() -> tx.put(count, null))
        .hasMessage("cannot store null under key 'count'; use delete to remove a key");
    assertThatThrownBy(() -> tx.get((StorageKey<Long>) null))
        .hasMessage("storage key must not be null");
    assertThatThrownBy(() -> tx.delete((StorageKey<?>) null))
        .hasMessage("storage key must not be null");
  }

  // ---- nested transactions -----------------------------------------------------------------

  @Test
  void aTransactionThatReturnsKeepsItsWritesAndReturnsTheValue() {
    TransactionalStorage tx = txWith("a", 1);
    String result =
        tx.transaction(
            s -> {
              s.put("b", 2);
              s.delete("a");
              return "done";
            });
    assertThat(result).isEqualTo("done");
    assertThat(tx.list(Integer.class)).containsExactly(Map.entry("b", 2));
  }

  @Test
  void aFailedTransactionUndoesOnlyItsOwnWritesAndRethrows() {
    KeyValueState before = txWith("a", 1, "b", 2).result();
    TransactionalStorage tx = Transactions.over(before, codec);
    tx.put("outer", 0);
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                tx.transaction(
                    s -> {
                      s.put("inner", 1);
                      s.delete("a");
                      s.put("b", 20);
                      s.deleteAll();
                      s.put("z", 26);
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(tx.list(Integer.class))
        .containsExactly(Map.entry("a", 1), Map.entry("b", 2), Map.entry("outer", 0));
    assertThat(tx.toEvent())
        .isEqualTo(
            new TransactionCommitted(
                false,
                List.of(new TransactionCommitted.Change("outer", codec.encode("outer", 0)))));
    assertEventReplays(before, tx);
  }

  @Test
  void aFailedTransactionWithoutEarlierWritesLeavesNoChange() {
    TransactionalStorage tx = txWith("a", 1);
    assertThatThrownBy(
            () ->
                tx.transaction(
                    s -> {
                      s.deleteAll();
                      throw new RuntimeException("no");
                    }))
        .hasMessage("no");
    assertThat(tx.hasChanges()).isFalse();
    assertThat(tx.get("a", Integer.class)).contains(1);
  }

  @Test
  void anInnerFailureKeepsTheOuterBlocksWrites() {
    TransactionalStorage tx = txWith();
    int result =
        tx.transaction(
            outer -> {
              outer.put("outer", 1);
              try {
                outer.transaction(
                    inner -> {
                      inner.put("inner", 2);
                      inner.put("outer", 99);
                      throw new IllegalArgumentException("inner fails");
                    });
              } catch (IllegalArgumentException expected) {
                // the inner block is undone; the outer one goes on
              }
              outer.put("after", 3);
              return 7;
            });
    assertThat(result).isEqualTo(7);
    assertThat(tx.list(Integer.class))
        .containsExactly(Map.entry("after", 3), Map.entry("outer", 1));
  }

  @Test
  void anOuterFailureAfterAnInnerSuccessUndoesBoth() {
    TransactionalStorage tx = txWith("keep", 0);
    tx.put("request", 1);
    assertThatThrownBy(
            () ->
                tx.transaction(
                    outer -> {
                      outer.put("outer", 1);
                      outer.transaction(
                          inner -> {
                            inner.put("inner", 2);
                            inner.delete("keep");
                            return null;
                          });
                      assertThat(outer.get("inner", Integer.class)).contains(2);
                      throw new IllegalStateException("outer fails");
                    }))
        .hasMessage("outer fails");
    assertThat(tx.list(Integer.class))
        .containsExactly(Map.entry("keep", 0), Map.entry("request", 1));
  }

  @Test
  void aFailedWriteInsideATransactionIsJustAnException() {
    TransactionalStorage tx = txWith();
    assertThatThrownBy(
            () ->
                tx.transaction(
                    s -> {
                      s.put("a", 1);
                      s.put("", 2);
                      return null;
                    }))
        .isInstanceOf(StorageException.class)
        .hasMessage("storage key must not be empty");
    assertThat(tx.hasChanges()).isFalse();
    assertThatThrownBy(() -> tx.transaction(null))
        .hasMessage("the transaction body must not be null");
  }

  @Test
  void errorsAndCheckedExceptionsThrownSneakilyAlsoRollBack() {
    TransactionalStorage tx = txWith();
    assertThatThrownBy(
            () ->
                tx.transaction(
                    s -> {
                      s.put("a", 1);
                      throw new StackOverflowError("deep");
                    }))
        .isInstanceOf(StackOverflowError.class);
    assertThatThrownBy(
            () ->
                tx.transaction(
                    s -> {
                      s.put("a", 1);
                      return TransactionalStorageTest.<Void, RuntimeException>sneakyThrow(
                          new java.io.IOException("io"));
                    }))
        .isInstanceOf(java.io.IOException.class);
    assertThat(tx.hasChanges()).isFalse();
  }

  @Test
  void listInsideATransactionSeesItsWrites() {
    TransactionalStorage tx = txWith("a", 1);
    tx.transaction(
        s -> {
          s.put("b", 2);
          assertThat(s.list(ListOptions.all().withReverse(true), Integer.class).keySet())
              .containsExactly("b", "a");
          return null;
        });
  }

  @SuppressWarnings("unchecked")
  private static <R, E extends Throwable> R sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }

  private static StorageException catchStorage(Runnable r) {
    try {
      r.run();
    } catch (StorageException e) {
      return e;
    }
    throw new AssertionError("no StorageException");
  }
}
