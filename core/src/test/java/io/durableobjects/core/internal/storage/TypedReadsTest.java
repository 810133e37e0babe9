package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.StorageKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads of generic types: {@code get}, multi-get, {@code list} and typed keys. */
class TypedReadsTest {
  record Item(String sku, int quantity) {}

  private static final TypeReference<List<Item>> ITEMS = new TypeReference<>() {};

  private final TransactionalStorage storage =
      Transactions.over(KeyValueState.empty(), new ValueCodec(new ObjectMapper()));

  @Test
  void readsAGenericValue() {
    storage.put("cart", List.of(new Item("a", 1), new Item("b", 2)));
    assertThat(storage.get("cart", ITEMS)).contains(List.of(new Item("a", 1), new Item("b", 2)));
    assertThat(storage.get("missing", ITEMS)).isEmpty();
  }

  @Test
  void readsSeveralKeysAndRangesAsAGenericType() {
    storage.put("list:1", List.of(new Item("a", 1)));
    storage.put("list:2", List.of());
    storage.put("other", 3);
    Map<String, List<Item>> both = storage.get(List.of("list:2", "list:1", "none"), ITEMS);
    assertThat(both)
        .containsExactly(
            Map.entry("list:1", List.of(new Item("a", 1))), Map.entry("list:2", List.of()));
    assertThat(storage.list(ListOptions.create().withPrefix("list:").withReverse(true), ITEMS))
        .containsExactly(
            Map.entry("list:2", List.of()), Map.entry("list:1", List.of(new Item("a", 1))));
  }

  @Test
  void typedKeysTakeAGenericType() {
    StorageKey<List<Item>> key = StorageKey.of("cart", ITEMS);
    storage.put(key, List.of(new Item("c", 3)));
    assertThat(storage.get(key)).contains(List.of(new Item("c", 3)));
    assertThat(key.type().getTypeName()).endsWith("List<" + Item.class.getName() + ">");
    assertThat(key).isEqualTo(StorageKey.of("cart", new TypeReference<List<Item>>() {}));
    assertThat(key).isNotEqualTo(StorageKey.of("cart", List.class));
    assertThat(key.toString()).startsWith("StorageKey(cart: java.util.List<");
  }

  @Test
  void aValueThatDoesNotFitSaysWhichTypeItWasReadAs() {
    storage.put("cart", Map.of("sku", "a"));
    assertThatThrownBy(() -> storage.get("cart", ITEMS))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot read key 'cart' as java.util.List<");
    storage.put("raw", new byte[] {1});
    assertThatThrownBy(() -> storage.get("raw", ITEMS))
        .hasMessageStartingWith(
            "key 'raw' holds raw bytes; read it as byte[], not java.util.List<");
    assertThat(storage.get("raw", new TypeReference<byte[]>() {}).orElseThrow()).containsExactly(1);
  }

  @Test
  void refusesNullTypes() {
    assertThatThrownBy(() -> storage.get("cart", (TypeReference<Object>) null))
        .hasMessage("the type to read key 'cart' as must not be null");
    assertThatThrownBy(() -> storage.list(ListOptions.all(), (TypeReference<Object>) null))
        .hasMessage("the type to list values as must not be null");
    assertThatThrownBy(() -> StorageKey.of("k", (TypeReference<Object>) null))
        .hasMessage("the type of storage key 'k' must not be null");
  }
}
