package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageKey;
import io.durableobjects.core.internal.entity.ObjectStorage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The handle an object holds: forwards to the current request's transaction, refuses otherwise. */
class ObjectStorageTest {
  private final ValueCodec codec = new ValueCodec(new ObjectMapper());

  @Test
  void forwardsEveryOperationToTheCurrentTransaction() {
    ObjectStorage storage = new ObjectStorage(codec);
    TransactionalStorage tx = storage.begin(KeyValueState.empty());
    StorageKey<Integer> typed = StorageKey.of("t", Integer.class);
    storage.put("a", 1);
    storage.put(Map.of("b", 2, "c", 3, "d", 4));
    storage.put(typed, 5);
    assertThat(storage.get("a", Integer.class)).contains(1);
    assertThat(storage.get(typed)).contains(5);
    assertThat(storage.get(List.of("b", "c", "x"), Integer.class)).containsOnlyKeys("b", "c");
    assertThat(storage.delete("a")).isTrue();
    assertThat(storage.delete(typed)).isTrue();
    assertThat(storage.delete(List.of("b", "x"))).isEqualTo(1);
    assertThat(storage.list(Integer.class).keySet()).containsExactly("c", "d");
    assertThat(storage.list(ListOptions.all().withReverse(true), Integer.class).keySet())
        .containsExactly("d", "c");
    storage.end();
    assertThat(tx.result().size()).isEqualTo(2);

    TransactionalStorage next = storage.begin(tx.result());
    storage.deleteAll();
    assertThat(next.toEvent().deleteAll()).isTrue();
    storage.end();
  }

  @Test
  void refusesUseBetweenRequests() {
    ObjectStorage storage = new ObjectStorage(codec);
    String message =
        "storage can only be used in the object's constructor or while it handles a request";
    assertThatThrownBy(() -> storage.get("a", Integer.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(message);
    storage.begin(KeyValueState.empty());
    storage.end();
    assertThatThrownBy(() -> storage.put("a", 1)).hasMessage(message);
    assertThatThrownBy(storage::deleteAll).hasMessage(message);
    assertThatThrownBy(() -> storage.list(Integer.class)).hasMessage(message);
    assertThatThrownBy(() -> storage.transaction(s -> 1)).hasMessage(message);
  }

  @Test
  void aTransactionBodyGetsTheObjectsHandleWhichStopsWorkingAfterTheRequest() {
    ObjectStorage storage = new ObjectStorage(codec);
    TransactionalStorage tx = storage.begin(KeyValueState.empty());
    AtomicReference<Storage> leaked = new AtomicReference<>();
    storage.transaction(
        s -> {
          leaked.set(s);
          s.put("a", 1);
          return null;
        });
    assertThat(leaked.get()).isSameAs(storage);
    assertThatThrownBy(
            () ->
                storage.transaction(
                    s -> {
                      s.put("b", 2);
                      throw new IllegalStateException("undo");
                    }))
        .hasMessage("undo");
    storage.end();
    assertThat(tx.result().contains("a")).isTrue();
    assertThat(tx.result().contains("b")).isFalse();
    assertThatThrownBy(() -> leaked.get().put("late", 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theObjectLimitCanBeGivenExplicitly() {
    ObjectStorage storage = new ObjectStorage(codec, 5);
    storage.begin(KeyValueState.empty());
    assertThatThrownBy(() -> storage.put("k", new byte[4]))
        .hasMessage(
            "storing key 'k' would make the object's storage 6 bytes; the limit is 5 bytes");
  }
}
