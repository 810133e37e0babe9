package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
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

  @Test
  void scansARangeAscendingAndDescendingWithEitherKindOfLowerBound() {
    KeyValueState s = KeyValueState.empty();
    for (String key : new String[] {"a", "b", "c", "d", "e"}) {
      s = s.put(key, bytes(key));
    }
    assertThat(keys(s.scan(null, true, null, false))).containsExactly("a", "b", "c", "d", "e");
    assertThat(keys(s.scan(null, true, null, true))).containsExactly("e", "d", "c", "b", "a");
    assertThat(keys(s.scan("b", true, "d", false))).containsExactly("b", "c");
    assertThat(keys(s.scan("b", false, "d", false))).containsExactly("c");
    assertThat(keys(s.scan("b", true, "d", true))).containsExactly("c", "b");
    assertThat(keys(s.scan("b", false, "d", true))).containsExactly("c");
    assertThat(keys(s.scan("bb", false, "dd", true))).containsExactly("d", "c");
    assertThat(keys(s.scan("bb", true, null, false))).containsExactly("c", "d", "e");
    assertThat(keys(s.scan(null, true, "c", true))).containsExactly("b", "a");
    assertThat(keys(s.scan("c", true, "c", false))).isEmpty();
    assertThat(keys(s.scan("c", true, "c", true))).isEmpty();
    assertThat(keys(s.scan("d", true, "b", false))).isEmpty();
    assertThat(keys(s.scan("d", true, "b", true))).isEmpty();
    assertThat(keys(s.scan("e", false, null, false))).isEmpty();
    assertThat(keys(s.scan("z", true, null, true))).isEmpty();
    assertThat(keys(KeyValueState.empty().scan(null, true, null, true))).isEmpty();
    Iterator<Map.Entry<String, byte[]>> it = s.scan("e", true, null, false);
    assertThat(it.next().getValue()).isEqualTo(bytes("e"));
    assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void scansStartAnywhereInALargeStateInBothDirections() {
    // Listing speed is a benchmark matter; this checks the bounds of scans that start mid-tree.
    KeyValueState s = KeyValueState.empty();
    for (int i = 0; i < 200_000; i++) {
      s = s.put(String.format("k%07d", i), new byte[] {1});
    }
    for (int i = 0; i < 10_000; i += 997) {
      String from = String.format("k%07d", i * 20);
      Iterator<Map.Entry<String, byte[]>> up = s.scan(from, true, null, false);
      assertThat(up.next().getKey()).isEqualTo(from);
      assertThat(up.next().getKey()).isEqualTo(String.format("k%07d", i * 20 + 1));
      Iterator<Map.Entry<String, byte[]>> down = s.scan(null, true, from, true);
      if (i == 0) {
        assertThat(down.hasNext()).isFalse();
      } else {
        assertThat(down.next().getKey()).isEqualTo(String.format("k%07d", i * 20 - 1));
      }
    }
    assertThat(keys(s.scan("k0000010", false, null, true))).hasSize(200_000 - 11);
  }

  @Test
  void equalityComparesKeysAndValueBytes() {
    KeyValueState a = KeyValueState.empty().put("x", bytes("1")).put("y", bytes("2"));
    KeyValueState b = KeyValueState.empty().put("y", bytes("2")).put("x", bytes("1"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(b.put("y", bytes("3")));
    assertThat(a).isNotEqualTo(b.remove("y"));
    assertThat(a.toString()).isEqualTo("KeyValueState(2 keys, 4 bytes)");
  }

  private static List<String> keys(Iterator<Map.Entry<String, byte[]>> it) {
    List<String> keys = new ArrayList<>();
    it.forEachRemaining(e -> keys.add(e.getKey()));
    return keys;
  }

  private static byte[] bytes(String s) {
    return utf8(s);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
