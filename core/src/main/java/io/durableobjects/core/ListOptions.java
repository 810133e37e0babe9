package io.durableobjects.core;

import io.durableobjects.core.internal.storage.Keys;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which keys {@link Storage#list(ListOptions, Class)} returns, and in which order: an immutable
 * value, built from {@link #all()} (or its alias {@link #create()}) with {@code withX} methods that
 * each return a new instance.
 *
 * <pre>{@code
 * // The 10 most recent entries of "log:", newest (highest key) first:
 * ListOptions latest = ListOptions.create().withPrefix("log:").withReverse(true).withLimit(10);
 * Map<String, Entry> entries = storage.list(latest, Entry.class);
 * // The next page after the last key of the previous one:
 * storage.list(ListOptions.create().withStartAfter(lastKey).withLimit(100), Entry.class);
 * }</pre>
 *
 * <p>The conditions combine as an intersection, as in Cloudflare's {@code storage.list()}: a key is
 * listed if it is at or after {@code start} (strictly after {@code startAfter}), strictly before
 * {@code end}, and starts with {@code prefix}. Keys are compared by their UTF-8 bytes (that is, by
 * Unicode code point, not by Java's UTF-16 {@code String.compareTo}). The matching keys are listed
 * in ascending order, or descending with {@code reverse}; {@code limit} then keeps the first {@code
 * limit} of them, so with {@code reverse} it keeps the highest keys. An empty range (for example
 * {@code start} at or after {@code end}) lists nothing; it is not an error.
 *
 * <p>Passing {@code null} to a {@code withX(String)} method removes that condition. A bound need
 * not be a stored key or a valid key (it may be empty or longer than a key), but it must be valid
 * UTF-16 (no unpaired surrogate), since it is compared in UTF-8.
 */
public final class ListOptions {
  private static final ListOptions ALL = new ListOptions(null, null, null, null, false, 0);

  private final String start;
  private final String startAfter;
  private final String end;
  private final String prefix;
  private final boolean reverse;
  private final int limit; // 0: no limit

  private ListOptions(
      String start, String startAfter, String end, String prefix, boolean reverse, int limit) {
    this.start = start;
    this.startAfter = startAfter;
    this.end = end;
    this.prefix = prefix;
    this.reverse = reverse;
    this.limit = limit;
  }

  /** No condition: every key, ascending. */
  public static ListOptions all() {
    return ALL;
  }

  /** The same as {@link #all()}, to start building options from. */
  public static ListOptions create() {
    return ALL;
  }

  /**
   * Lists keys at or after {@code start} (inclusive).
   *
   * @throws IllegalArgumentException if {@code startAfter} is already set (they are mutually
   *     exclusive), or if {@code start} has an unpaired surrogate
   */
  public ListOptions withStart(String start) {
    checkBound("start", start);
    if (start != null && startAfter != null) {
      throw new IllegalArgumentException(
          "ListOptions: cannot set start when startAfter is already set; they are mutually"
              + " exclusive");
    }
    return new ListOptions(start, startAfter, end, prefix, reverse, limit);
  }

  /**
   * Lists keys strictly after {@code startAfter} (exclusive): pass the last key of a page to get
   * the next page.
   *
   * @throws IllegalArgumentException if {@code start} is already set (they are mutually exclusive),
   *     or if {@code startAfter} has an unpaired surrogate
   */
  public ListOptions withStartAfter(String startAfter) {
    checkBound("startAfter", startAfter);
    if (startAfter != null && start != null) {
      throw new IllegalArgumentException(
          "ListOptions: cannot set startAfter when start is already set; they are mutually"
              + " exclusive");
    }
    return new ListOptions(start, startAfter, end, prefix, reverse, limit);
  }

  /**
   * Lists keys strictly before {@code end} (exclusive).
   *
   * @throws IllegalArgumentException if {@code end} has an unpaired surrogate
   */
  public ListOptions withEnd(String end) {
    checkBound("end", end);
    return new ListOptions(start, startAfter, end, prefix, reverse, limit);
  }

  /**
   * Lists only keys that start with {@code prefix}; an empty prefix matches every key.
   *
   * @throws IllegalArgumentException if {@code prefix} has an unpaired surrogate
   */
  public ListOptions withPrefix(String prefix) {
    checkBound("prefix", prefix);
    return new ListOptions(start, startAfter, end, prefix, reverse, limit);
  }

  /** Lists the highest keys first if {@code reverse} is true; ascending (the default) otherwise. */
  public ListOptions withReverse(boolean reverse) {
    return new ListOptions(start, startAfter, end, prefix, reverse, limit);
  }

  /**
   * Lists at most {@code limit} keys: the first ones in the listing's order.
   *
   * @throws IllegalArgumentException if {@code limit} is less than 1
   */
  public ListOptions withLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("ListOptions: limit must be at least 1, got " + limit);
    }
    return new ListOptions(start, startAfter, end, prefix, reverse, limit);
  }

  /** The inclusive lower bound, if set. */
  public Optional<String> start() {
    return Optional.ofNullable(start);
  }

  /** The exclusive lower bound, if set. */
  public Optional<String> startAfter() {
    return Optional.ofNullable(startAfter);
  }

  /** The exclusive upper bound, if set. */
  public Optional<String> end() {
    return Optional.ofNullable(end);
  }

  /** The prefix every listed key has, if set. */
  public Optional<String> prefix() {
    return Optional.ofNullable(prefix);
  }

  /** Whether the highest keys come first. */
  public boolean reverse() {
    return reverse;
  }

  /** The largest number of keys listed, if limited. */
  public OptionalInt limit() {
    return limit == 0 ? OptionalInt.empty() : OptionalInt.of(limit);
  }

  private static void checkBound(String name, String value) {
    if (value != null) {
      int unpaired = Keys.unpairedSurrogate(value);
      if (unpaired >= 0) {
        throw new IllegalArgumentException(
            "ListOptions: " + name + " has an unpaired surrogate at index " + unpaired);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ListOptions other
        && Objects.equals(start, other.start)
        && Objects.equals(startAfter, other.startAfter)
        && Objects.equals(end, other.end)
        && Objects.equals(prefix, other.prefix)
        && reverse == other.reverse
        && limit == other.limit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(start, startAfter, end, prefix, reverse, limit);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("ListOptions(");
    String sep = "";
    if (start != null) {
      s.append("start=").append(quote(start));
      sep = ", ";
    }
    if (startAfter != null) {
      s.append(sep).append("startAfter=").append(quote(startAfter));
      sep = ", ";
    }
    if (end != null) {
      s.append(sep).append("end=").append(quote(end));
      sep = ", ";
    }
    if (prefix != null) {
      s.append(sep).append("prefix=").append(quote(prefix));
      sep = ", ";
    }
    if (reverse) {
      s.append(sep).append("reverse");
      sep = ", ";
    }
    if (limit != 0) {
      s.append(sep).append("limit=").append(limit);
    }
    return s.append(')').toString();
  }

  private static String quote(String s) {
    return '"' + s + '"';
  }
}
