package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;

/**
 * INTERNAL API: the responses an object remembers by idempotency key, immutable, part of its
 * committed state (events and snapshots).
 *
 * <p>Each record carries the retention and the key cap in force when it was written, and adding a
 * record prunes by them (records older than its time minus its retention, then the oldest beyond
 * its cap), so that replaying the journal always gives the same records, whatever the current
 * configuration.
 */
public final class IdempotencyRecords {

  /**
   * A remembered response.
   *
   * @param key the request's idempotency key
   * @param atMillis when it was committed (epoch milliseconds)
   * @param retentionMillis how long keys were kept when it was written
   * @param maxKeys how many keys an object kept when it was written
   * @param response the object's original response
   */
  public record Remembered(
      String key, long atMillis, long retentionMillis, int maxKeys, Response response) {}

  private static final Ordering<String> KEY_ORDER =
      Ordering.comparatorToOrdering(String::compareTo);
  private static final Ordering<Long> TIME_ORDER = Ordering.comparatorToOrdering(Long::compare);
  public static final IdempotencyRecords EMPTY =
      new IdempotencyRecords(new TreeMap<>(KEY_ORDER), new TreeMap<>(TIME_ORDER), 0);

  private final TreeMap<String, Remembered> byKey;
  // Sequence number of insertion → key: the oldest first (times may tie or go back with clocks).
  private final TreeMap<Long, String> byAge;
  private final long nextSequence;

  private IdempotencyRecords(
      TreeMap<String, Remembered> byKey, TreeMap<Long, String> byAge, long nextSequence) {
    this.byKey = byKey;
    this.byAge = byAge;
    this.nextSequence = nextSequence;
  }

  /** The record of {@code key} if it is still within its retention at {@code nowMillis}. */
  public Optional<Remembered> get(String key, long nowMillis) {
    Option<Remembered> found = byKey.get(key);
    if (found.isEmpty() || nowMillis - found.get().atMillis() > found.get().retentionMillis()) {
      return Optional.empty();
    }
    return Optional.of(found.get());
  }

  /** These records plus {@code record}, pruned by the record's retention and cap. */
  public IdempotencyRecords remember(Remembered record) {
    TreeMap<String, Remembered> keys = byKey;
    TreeMap<Long, String> ages = byAge;
    Option<Remembered> previous = keys.get(record.key());
    if (previous.isDefined()) {
      ages = removeKeyFromAges(ages, record.key());
    }
    keys = keys.updated(record.key(), record);
    ages = ages.updated(nextSequence, record.key());
    long cutoff = record.atMillis() - record.retentionMillis();
    while (!ages.isEmpty()) {
      Tuple2<Long, String> oldest = ages.head();
      Remembered r = keys.get(oldest._2()).get();
      if (r.atMillis() >= cutoff && keys.size() <= record.maxKeys()) {
        break;
      }
      keys = keys.removed(oldest._2());
      ages = ages.removed(oldest._1());
    }
    return new IdempotencyRecords(keys, ages, nextSequence + 1);
  }

  /** Number of remembered keys. */
  public int size() {
    return byKey.size();
  }

  /** All records, oldest first (the order to remember them in again). */
  public List<Remembered> oldestFirst() {
    List<Remembered> result = new ArrayList<>(byKey.size());
    ages().forEach(key -> result.add(byKey.get(key).get()));
    return result;
  }

  private List<String> ages() {
    List<String> keys = new ArrayList<>(byAge.size());
    scala.collection.Iterator<String> it = byAge.valuesIterator();
    while (it.hasNext()) {
      keys.add(it.next());
    }
    return keys;
  }

  private static TreeMap<Long, String> removeKeyFromAges(TreeMap<Long, String> ages, String key) {
    scala.collection.Iterator<Tuple2<Long, String>> it = ages.iterator();
    while (it.hasNext()) {
      Tuple2<Long, String> entry = it.next();
      if (entry._2().equals(key)) {
        return ages.removed(entry._1());
      }
    }
    return ages;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdempotencyRecords other && other.oldestFirst().equals(oldestFirst());
  }

  @Override
  public int hashCode() {
    return oldestFirst().hashCode();
  }
}
