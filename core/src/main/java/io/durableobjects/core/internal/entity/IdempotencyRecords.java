package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Response;
import io.durableobjects.core.internal.storage.ObjectSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.TreeMap;
import scala.math.Ordering;

/**
 * INTERNAL API: the requests an object remembers by idempotency key, immutable, part of its
 * committed state (events and snapshots).
 *
 * <p>Each record carries the retention in force when it was written, and adding a record prunes by
 * it (records older than its time minus its retention), so that replaying the journal always gives
 * the same records, whatever the current configuration. Records written before keys were kept for
 * their whole retention also carry the key cap of their time (the oldest beyond it were forgotten),
 * so that their events still replay to the same records; new records have no cap ({@link #NO_CAP}):
 * what bounds them is {@link #bytes()}, checked before a new key is accepted ({@link Idempotency}).
 */
public final class IdempotencyRecords {

  /** The key cap of a record written since keys are kept for their whole retention: none. */
  public static final int NO_CAP = Integer.MAX_VALUE;

  /**
   * A remembered request and, if it was small enough to keep, its response.
   *
   * @param key the request's idempotency key
   * @param atMillis when it was committed (epoch milliseconds)
   * @param retentionMillis how long keys were kept when it was written
   * @param maxKeys how many keys an object kept when it was written ({@link #NO_CAP} since the cap
   *     was replaced by a limit in bytes)
   * @param fingerprint the request's fingerprint ({@link RequestFingerprint}), or null for a record
   *     written before requests were fingerprinted (it matches any request)
   * @param response the object's original response, or null if it was too large to keep
   */
  public record Remembered(
      String key,
      long atMillis,
      long retentionMillis,
      int maxKeys,
      String fingerprint,
      Response response) {

    /** A record of this version: no key cap. */
    public static Remembered of(
        String key, long atMillis, long retentionMillis, String fingerprint, Response response) {
      return new Remembered(key, atMillis, retentionMillis, NO_CAP, fingerprint, response);
    }

    /** Whether the response was kept (a retry can get it back). */
    public boolean responseKept() {
      return response != null;
    }

    /**
     * What this record takes in a snapshot, exactly ({@code BinaryFields.writeRemembered}): key,
     * times (16), fingerprint, kept byte (1), and a kept response's status (4), headers with their
     * count (4) and body with its length (4).
     */
    public long snapshotBytes() {
      long size =
          ObjectSize.stringBytes(key)
              + 16
              + ObjectSize.stringBytes(fingerprint == null ? "" : fingerprint)
              + 1;
      if (response != null) {
        size += 12 + response.bodyLength();
        for (io.durableobjects.core.Header header : response.headers()) {
          size += ObjectSize.stringBytes(header.name()) + ObjectSize.stringBytes(header.value());
        }
      }
      return size;
    }

    /** Roughly what this record costs in memory and in a snapshot. */
    public long bytes() {
      long size = RECORD_OVERHEAD_BYTES + key.length();
      if (fingerprint != null) {
        size += fingerprint.length();
      }
      if (response != null) {
        size += response.bodyLength();
        for (io.durableobjects.core.Header header : response.headers()) {
          size += header.name().length() + header.value().length() + 8;
        }
      }
      return size;
    }
  }

  /** What a record costs beyond its key, fingerprint and response: times, lengths, tree nodes. */
  static final long RECORD_OVERHEAD_BYTES = 64;

  private static final Ordering<String> KEY_ORDER =
      Ordering.comparatorToOrdering(String::compareTo);
  private static final Ordering<Long> TIME_ORDER = Ordering.comparatorToOrdering(Long::compare);
  public static final IdempotencyRecords EMPTY =
      new IdempotencyRecords(new TreeMap<>(KEY_ORDER), new TreeMap<>(TIME_ORDER), 0, 0, 0);

  private final TreeMap<String, Remembered> byKey;
  // Sequence number of insertion → key: the oldest first (times may tie or go back with clocks).
  private final TreeMap<Long, String> byAge;
  private final long nextSequence;
  private final long bytes;
  private final long snapshotBytes;

  private IdempotencyRecords(
      TreeMap<String, Remembered> byKey,
      TreeMap<Long, String> byAge,
      long nextSequence,
      long bytes,
      long snapshotBytes) {
    this.byKey = byKey;
    this.byAge = byAge;
    this.nextSequence = nextSequence;
    this.bytes = bytes;
    this.snapshotBytes = snapshotBytes;
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
    long size = bytes;
    long stored = snapshotBytes;
    Option<Remembered> previous = keys.get(record.key());
    if (previous.isDefined()) {
      ages = removeKeyFromAges(ages, record.key());
      size -= previous.get().bytes();
      stored -= previous.get().snapshotBytes();
    }
    keys = keys.updated(record.key(), record);
    ages = ages.updated(nextSequence, record.key());
    size += record.bytes();
    stored += record.snapshotBytes();
    long cutoff = record.atMillis() - record.retentionMillis();
    while (!ages.isEmpty()) {
      Tuple2<Long, String> oldest = ages.head();
      Remembered r = keys.get(oldest._2()).get();
      if (r.atMillis() >= cutoff && keys.size() <= record.maxKeys()) {
        break;
      }
      keys = keys.removed(oldest._2());
      ages = ages.removed(oldest._1());
      size -= r.bytes();
      stored -= r.snapshotBytes();
    }
    return new IdempotencyRecords(keys, ages, nextSequence + 1, size, stored);
  }

  /** Number of remembered keys. */
  public int size() {
    return byKey.size();
  }

  /** What the remembered records cost ({@link Remembered#bytes()}), expired ones included. */
  public long bytes() {
    return bytes;
  }

  /**
   * What the records take in a snapshot ({@link Remembered#snapshotBytes()}), expired ones
   * included: a snapshot holds them until the next record prunes them.
   */
  public long snapshotBytes() {
    return snapshotBytes;
  }

  /**
   * What the records still within their retention at {@code nowMillis} cost: the expired ones are
   * only dropped when the next record is added, so they do not count against the limit.
   */
  public long liveBytes(long nowMillis) {
    long live = 0;
    scala.collection.Iterator<Remembered> it = byKey.valuesIterator();
    while (it.hasNext()) {
      Remembered r = it.next();
      if (nowMillis - r.atMillis() <= r.retentionMillis()) {
        live += r.bytes();
      }
    }
    return live;
  }

  /**
   * When the oldest record still within its retention at {@code nowMillis} expires (epoch
   * milliseconds), or {@code nowMillis} if there is none.
   */
  public long nextExpiryMillis(long nowMillis) {
    long next = Long.MAX_VALUE;
    scala.collection.Iterator<Remembered> it = byKey.valuesIterator();
    while (it.hasNext()) {
      Remembered r = it.next();
      long expires = r.atMillis() + r.retentionMillis();
      if (expires >= nowMillis && expires < next) {
        next = expires;
      }
    }
    return next == Long.MAX_VALUE ? nowMillis : next;
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
