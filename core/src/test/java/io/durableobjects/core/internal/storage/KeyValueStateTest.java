package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyValueStateTest {

  @Test
  void updatesReturnNewVersionsAndLeaveTheOldOneIntact() {
    KeyValueState empty = KeyValueState.empty();
    KeyValueState one = empty.put("a", bytes("1"));
    KeyValueState two = one.put("b", bytes("2"));
    KeyValueState removed = two.remove("a");

    assertThat(empty.size()).isZero();
    assertThat(one.get("a")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("1")));
    assertThat(one.contains("b")).isFalse();
    assertThat(two.size()).isEqualTo(2);
    assertThat(removed.contains("a")).isFalse();
    assertThat(two.contains("a")).isTrue();
  }

  @Test
  void tracksTotalBytesOfKeysAndValues() {
    KeyValueState s = KeyValueState.empty().put("ab", new byte[10]).put("é", new byte[3]);
    assertThat(s.bytes()).isEqualTo(2 + 10 + 2 + 3);
    s = s.put("ab", new byte[4]);
    assertThat(s.bytes()).isEqualTo(2 + 4 + 2 + 3);
    s = s.remove("é").remove("missing");
    assertThat(s.bytes()).isEqualTo(2 + 4);
  }

  @Test
  void ordersKeysByTheirUtf8Bytes() {
    // U+FFFD is below U+1F600 in UTF-8 (and code point) order, though above it in UTF-16 order.
    String[] keys = {"b", "a", "\uFFFD", "\uD83D\uDE00", "ab", "B", "é", ""};
    KeyValueState s = KeyValueState.empty();
    for (String key : keys) {
      s = s.put(key, new byte[0]);
    }
    List<String> iterated = new ArrayList<>();
    s.iterator().forEachRemaining(e -> iterated.add(e.getKey()));

    List<String> expected = new ArrayList<>(Arrays.asList(keys));
    expected.sort((x, y) -> Arrays.compareUnsigned(utf8(x), utf8(y)));
    assertThat(iterated).containsExactlyElementsOf(expected);
    assertThat(iterated.indexOf("\uFFFD")).isLessThan(iterated.indexOf("\uD83D\uDE00"));
  }

  private static byte[] bytes(String s) {
    return utf8(s);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
