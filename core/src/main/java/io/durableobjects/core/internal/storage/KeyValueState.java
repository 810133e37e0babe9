package io.durableobjects.core.internal.storage;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;

/**
 * INTERNAL API: an object's key-value data, immutable, ordered by the keys' UTF-8 bytes.
 *
 * <p>Backed by a persistent red-black tree with structural sharing: an update is O(log n) and
 * shares everything else with the previous version, so the committed state, the working state and
 * a snapshot are pointers to versions, not copies. Values are the encoded bytes ({@link
 * ValueCodec}); callers must never mutate an array they put or get.
 */
public final class KeyValueState {

  /** Orders strings by Unicode code point, which is the order of their UTF-8 bytes. */
  public static final java.util.Comparator<String> UTF8_ORDER = KeyValueState::compareUtf8;

  private static final Ordering<String> ORDERING = Ordering.comparatorToOrdering(UTF8_ORDER);
  private static final KeyValueState EMPTY = new KeyValueState(new TreeMap<>(ORDERING), 0L);

  private final TreeMap<String, byte[]> entries;
  private final long bytes;

  private KeyValueState(TreeMap<String, byte[]> entries, long bytes) {
    this.entries = entries;
    this.bytes = bytes;
  }

  public static KeyValueState empty() {
    return EMPTY;
  }

  public Optional<byte[]> get(String key) {
    Option<byte[]> value = entries.get(key);
    return value.isDefined() ? Optional.of(value.get()) : Optional.empty();
  }

  public boolean contains(String key) {
    return entries.contains(key);
  }

  public KeyValueState put(String key, byte[] value) {
    Option<byte[]> previous = entries.get(key);
    long delta =
        previous.isDefined()
            ? (long) value.length - previous.get().length
            : (long) Keys.utf8Length(key) + value.length;
    return new KeyValueState(entries.updated(key, value), bytes + delta);
  }

  public KeyValueState remove(String key) {
    Option<byte[]> previous = entries.get(key);
    if (previous.isEmpty()) {
      return this;
    }
    long delta = (long) Keys.utf8Length(key) + previous.get().length;
    return new KeyValueState(entries.removed(key), bytes - delta);
  }

  /** Number of keys. */
  public int size() {
    return entries.size();
  }

  /** Total stored bytes: UTF-8 keys plus encoded values. */
  public long bytes() {
    return bytes;
  }

  /** All entries in key order. */
  public Iterator<Map.Entry<String, byte[]>> iterator() {
    scala.collection.Iterator<Tuple2<String, byte[]>> it = entries.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Map.Entry<String, byte[]> next() {
        Tuple2<String, byte[]> t = it.next();
        return Map.entry(t._1(), t._2());
      }
    };
  }

  private static int compareUtf8(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, which sort after every
        // BMP character in UTF-8; plain UTF-16 order would put them before U+E000..U+FFFF.
        boolean sa = Character.isSurrogate(ca);
        boolean sb = Character.isSurrogate(cb);
        if (sa != sb) {
          return sa ? 1 : -1;
        }
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }
}
