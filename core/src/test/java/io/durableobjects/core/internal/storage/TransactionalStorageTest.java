package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransactionalStorageTest {
  private final ValueCodec codec = new ValueCodec(new ObjectMapper());

  record Item(String name, int quantity) {}

  @Test
  void readsItsOwnWritesWithoutTouchingTheStateItStartedFrom() {
    KeyValueState before = KeyValueState.empty().put("count", codec.encode("count", 41L));
    TransactionalStorage tx = new TransactionalStorage(before, codec);

    tx.put("count", tx.get("count", Long.class).orElseThrow() + 1);
    tx.put("item", new Item("apple", 3));

    assertThat(tx.get("count", Long.class)).contains(42L);
    assertThat(tx.get("item", Item.class)).contains(new Item("apple", 3));
    assertThat(before.size()).isEqualTo(1);
    assertThat(codec.decode("count", before.get("count").orElseThrow(), Long.class)).isEqualTo(41L);
  }

  @Test
  void deleteReportsWhetherTheKeyExistedAndHidesIt() {
    TransactionalStorage tx =
        new TransactionalStorage(KeyValueState.empty().put("k", codec.encode("k", "v")), codec);
    assertThat(tx.delete("k")).isTrue();
    assertThat(tx.delete("k")).isFalse();
    assertThat(tx.get("k", String.class)).isEmpty();
    assertThat(tx.delete("never")).isFalse();
  }

  @Test
  void theEventReplaysToTheSameState() {
    KeyValueState before =
        KeyValueState.empty().put("gone", codec.encode("gone", 1)).put("kept", codec.encode("kept", 2));
    TransactionalStorage tx = new TransactionalStorage(before, codec);
    tx.put("a", "x");
    tx.put("a", "y");
    tx.delete("gone");
    tx.put("b", new byte[] {1, 2, 3});

    TransactionCommitted event = tx.toEvent();
    assertThat(event.changes()).extracting(TransactionCommitted.Change::key)
        .containsExactly("a", "gone", "b");
    KeyValueState replayed = new CommittedState(before).apply(event).data();
    assertThat(replayed.size()).isEqualTo(tx.result().size());
    replayed.iterator().forEachRemaining(
        e -> assertThat(tx.result().get(e.getKey())).contains(e.getValue()));
  }

  @Test
  void rawBytesAreStoredAsIsAndReadBackAsACopy() {
    TransactionalStorage tx = new TransactionalStorage(KeyValueState.empty(), codec);
    byte[] data = {0, 1, (byte) 0xff};
    tx.put("blob", data);
    data[0] = 9; // the caller's array is not shared
    byte[] read = tx.get("blob", byte[].class).orElseThrow();
    assertThat(read).containsExactly(0, 1, 0xff);
    read[1] = 7;
    assertThat(tx.get("blob", byte[].class).orElseThrow()).containsExactly(0, 1, 0xff);
    assertThatThrownBy(() -> tx.get("blob", String.class))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("holds raw bytes");
  }

  @Test
  void refusesBadKeysAndValuesWithPreciseMessagesAndWritesNothing() {
    TransactionalStorage tx = new TransactionalStorage(KeyValueState.empty(), codec);
    assertThatThrownBy(() -> tx.put(null, 1)).hasMessage("storage key must not be null");
    assertThatThrownBy(() -> tx.put("", 1)).hasMessage("storage key must not be empty");
    assertThatThrownBy(() -> tx.put("k", null))
        .hasMessageContaining("cannot store null under key 'k'");
    assertThatThrownBy(() -> tx.put("x".repeat(Storage.MAX_KEY_BYTES + 1), 1))
        .hasMessage("storage key is 2049 bytes in UTF-8; the limit is 2048 bytes");
    assertThatThrownBy(() -> tx.put("\uD800", 1)).hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> tx.put("big", new byte[Storage.MAX_VALUE_BYTES + 1]))
        .hasMessage("value for key 'big' is 131073 bytes serialized; the limit is 131072 bytes");
    assertThatThrownBy(() -> tx.put("obj", new Object()))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot serialize the value for key 'obj'");
    assertThat(tx.hasChanges()).isFalse();

    tx.put("n", Map.of("a", List.of(1, 2)));
    assertThatThrownBy(() -> tx.get("n", Long.class))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot read key 'n' as java.lang.Long");
  }

  @Test
  void aKeyOfExactlyTheLimitIsAccepted() {
    TransactionalStorage tx = new TransactionalStorage(KeyValueState.empty(), codec);
    String key = "é".repeat(Storage.MAX_KEY_BYTES / 2); // 2 bytes each in UTF-8
    tx.put(key, true);
    assertThat(tx.get(key, Boolean.class)).contains(true);
  }
}
