package io.durableobjects.core.internal.storage;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;

/**
 * INTERNAL API: an object's key-value data, immutable, ordered by the keys' UTF-8 bytes.
 *
 * <p>Backed by a persistent red-black tree with structural sharing: an update is O(log n) and
 * shares everything else with the previous version, so the committed state, the working state and a
 * snapshot are pointers to versions, not copies. Values are the encoded bytes ({@link ValueCodec});
 * callers must never mutate an array they put or get.
 */
public final class KeyValueState {

  /** Orders strings by Unicode code point, which is the order of their UTF-8 bytes. */
  public static final java.util.Comparator<String> UTF8_ORDER = KeyValueState::compareUtf8;

  static final Ordering<String> ORDERING = Ordering.comparatorToOrdering(UTF8_ORDER);
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

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Total stored bytes: UTF-8 keys plus encoded values. */
  public long bytes() {
    return bytes;
  }

  /** All entries in key order. */
  public Iterator<Map.Entry<String, byte[]>> iterator() {
    return scan(null, true, null, false);
  }

  /**
   * The entries whose keys lie between two bounds, lazily, in ascending or descending key order.
   *
   * <p>Cost: ascending, O(log n) to find the first entry and then O(1) amortized per entry;
   * descending, O(log n) per entry (the tree has no reverse iterator, so each step is a {@code
   * maxBefore} search). Either way, reading k entries of a range never walks the entries outside
   * it.
   *
   * @param lower the lowest key, or {@code null} for no lower bound
   * @param lowerInclusive whether a key equal to {@code lower} is included
   * @param upper the key the range ends before (exclusive), or {@code null} for no upper bound
   * @param descending whether to go from the highest key down
   */
  public Iterator<Map.Entry<String, byte[]>> scan(
      String lower, boolean lowerInclusive, String upper, boolean descending) {
    return descending
        ? new Descending(lower, lowerInclusive, upper)
        : new Ascending(lower, lowerInclusive, upper);
  }

  /** Same keys with equal value bytes. O(n); meant for tests and checks, not for hot paths. */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof KeyValueState other) || size() != other.size() || bytes != other.bytes) {
      return false;
    }
    Iterator<Map.Entry<String, byte[]>> mine = iterator();
    Iterator<Map.Entry<String, byte[]>> theirs = other.iterator();
    while (mine.hasNext()) {
      Map.Entry<String, byte[]> a = mine.next();
      Map.Entry<String, byte[]> b = theirs.next();
      if (!a.getKey().equals(b.getKey()) || !Arrays.equals(a.getValue(), b.getValue())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 1;
    for (Iterator<Map.Entry<String, byte[]>> it = iterator(); it.hasNext(); ) {
      Map.Entry<String, byte[]> e = it.next();
      hash = 31 * hash + (e.getKey().hashCode() ^ Arrays.hashCode(e.getValue()));
    }
    return hash;
  }

  @Override
  public String toString() {
    return "KeyValueState(" + size() + " keys, " + bytes + " bytes)";
  }

  /** A scan that holds its next entry; subclasses find the one after it. */
  private abstract static class Scan implements Iterator<Map.Entry<String, byte[]>> {
    Tuple2<String, byte[]> next;

    /** Sets {@link #next} to the entry that follows {@code current}, or null. */
    abstract void advanceFrom(Tuple2<String, byte[]> current);

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Map.Entry<String, byte[]> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Tuple2<String, byte[]> current = next;
      advanceFrom(current);
      return Map.entry(current._1(), current._2());
    }
  }

  private final class Ascending extends Scan {
    private final scala.collection.Iterator<Tuple2<String, byte[]>> it;
    private final String upper;

    Ascending(String lower, boolean lowerInclusive, String upper) {
      this.it = lower == null ? entries.iterator() : entries.iteratorFrom(lower);
      this.upper = upper;
      advanceFrom(null);
      if (next != null && !lowerInclusive && next._1().equals(lower)) {
        advanceFrom(next);
      }
    }

    @Override
    void advanceFrom(Tuple2<String, byte[]> current) {
      next = null;
      if (it.hasNext()) {
        Tuple2<String, byte[]> candidate = it.next();
        if (upper == null || compareUtf8(candidate._1(), upper) < 0) {
          next = candidate;
        }
      }
    }
  }

  private final class Descending extends Scan {
    private final String lower;
    private final boolean lowerInclusive;

    Descending(String lower, boolean lowerInclusive, String upper) {
      this.lower = lower;
      this.lowerInclusive = lowerInclusive;
      if (upper == null) {
        accept(entries.isEmpty() ? null : entries.last());
      } else {
        accept(orNull(entries.maxBefore(upper)));
      }
    }

    @Override
    void advanceFrom(Tuple2<String, byte[]> current) {
      accept(orNull(entries.maxBefore(current._1())));
    }

    private void accept(Tuple2<String, byte[]> candidate) {
      if (candidate != null && lower != null) {
        int c = compareUtf8(candidate._1(), lower);
        if (c < 0 || (c == 0 && !lowerInclusive)) {
          candidate = null;
        }
      }
      next = candidate;
    }
  }

  private static <A> A orNull(Option<A> option) {
    return option.isDefined() ? option.get() : null;
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

  /**
   * The entries of a change map (keys or names in UTF-8 order) as the records of a transaction's
   * event, in that order.
   */
  static <V, C> java.util.List<C> inOrder(
      TreeMap<String, V> changed, java.util.function.BiFunction<String, V, C> record) {
    java.util.List<C> list = new java.util.ArrayList<>(changed.size());
    scala.collection.Iterator<Tuple2<String, V>> it = changed.iterator();
    while (it.hasNext()) {
      Tuple2<String, V> change = it.next();
      list.add(record.apply(change._1(), change._2()));
    }
    return list;
  }
}
