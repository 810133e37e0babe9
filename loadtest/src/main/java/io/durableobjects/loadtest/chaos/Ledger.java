package io.durableobjects.loadtest.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the clients of one run were told, per object, so that the checks can be exact. Thread-safe;
 * times are {@link System#nanoTime()}.
 *
 * <p><b>Counters without a key</b> ({@link Unkeyed}): every acknowledged increment answered the new
 * count, so the acknowledged values of one counter must be distinct; each is a write that must be
 * present, so the final count must be at least each of them. An attempt without an answer (or with
 * an error after which the write may have applied) is <i>ambiguous</i>: it applied at most once, so
 * the final count is at most acknowledged + ambiguous.
 *
 * <p><b>Counters with a key</b> ({@link Keyed}): a client retries each increment with the same
 * {@code Idempotency-Key} until it is acknowledged, so every key applies exactly once, and the
 * final count is exactly the number of acknowledged keys, plus up to the keys given up (still
 * unanswered when the run's drain time ran out) that may have applied. A key answered twice (a
 * client sends some keys once more after their answer) must get the same value both times.
 *
 * <p><b>Reminders</b>: each acknowledged schedule answered its reminder's ID and due time; the
 * reminder must be delivered (by the object's alarm) by its due time plus a margin, with the text
 * it was scheduled with.
 *
 * <p><b>Reads</b>: a read of a counter must not answer less than a value that was acknowledged
 * before the read was sent.
 */
final class Ledger {
  /** An acknowledged write: the value it answered, and when (request sent, answer received). */
  record Ack(long value, long sentNanos, long answeredNanos) {}

  /** A read that answered less than a value acknowledged before it was sent. */
  record StaleRead(String counter, long acknowledgedBefore, long read) {}

  /** An acknowledged reminder. */
  record Reminder(String object, long id, String text, Instant due) {}

  static final class Unkeyed {
    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    final AtomicLong ambiguous = new AtomicLong();
  }

  static final class Keyed {
    final Map<String, Ack> acks = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> replayMismatches = new ConcurrentLinkedQueue<>();

    /** Keys given up after an attempt that may have applied. */
    final AtomicLong abandonedMaybeApplied = new AtomicLong();
  }

  final Map<String, Unkeyed> unkeyed = new ConcurrentHashMap<>();
  final Map<String, Keyed> keyed = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<Reminder> reminders = new ConcurrentLinkedQueue<>();
  final AtomicLong remindersAmbiguous = new AtomicLong();
  final ConcurrentLinkedQueue<StaleRead> staleReads = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicLong> highestAcknowledged = new ConcurrentHashMap<>();

  /** Per object, the acknowledged writes' (sent, answered) times, for the availability measure. */
  private final Map<String, ConcurrentLinkedQueue<long[]>> successes = new ConcurrentHashMap<>();

  Ledger(List<String> unkeyedCounters, List<String> keyedCounters) {
    unkeyedCounters.forEach(c -> unkeyed.put(c, new Unkeyed()));
    keyedCounters.forEach(c -> keyed.put(c, new Keyed()));
  }

  void acknowledged(String counter, Ack ack) {
    Unkeyed u = unkeyed.get(counter);
    u.acks.add(ack);
    noteSuccess(counter, ack);
  }

  void ambiguous(String counter) {
    unkeyed.get(counter).ambiguous.incrementAndGet();
  }

  void acknowledged(String counter, String key, Ack ack) {
    keyed.get(counter).acks.put(key, ack);
    noteSuccess(counter, ack);
  }

  void replayMismatch(String counter, String key, long first, long replay) {
    keyed.get(counter).replayMismatches.add(key + ": " + first + " then " + replay);
  }

  void abandoned(String counter, boolean mayHaveApplied) {
    if (mayHaveApplied) {
      keyed.get(counter).abandonedMaybeApplied.incrementAndGet();
    }
  }

  void reminder(Reminder reminder) {
    reminders.add(reminder);
  }

  /** The highest value acknowledged for {@code counter} so far (0 if none). */
  long highestAcknowledged(String counter) {
    AtomicLong highest = highestAcknowledged.get(counter);
    return highest == null ? 0 : highest.get();
  }

  void read(String counter, long floor, long value) {
    if (value < floor) {
      staleReads.add(new StaleRead(counter, floor, value));
    }
  }

  private void noteSuccess(String object, Ack ack) {
    highestAcknowledged
        .computeIfAbsent(object, k -> new AtomicLong())
        .accumulateAndGet(ack.value(), Math::max);
    successes
        .computeIfAbsent(object, k -> new ConcurrentLinkedQueue<>())
        .add(new long[] {ack.sentNanos(), ack.answeredNanos()});
  }

  /**
   * When (nanoTime) {@code object} first acknowledged a write sent at or after {@code since}, or -1
   * if it has not yet.
   */
  long firstSuccessSince(String object, long since) {
    long first = -1;
    for (long[] s : successes.getOrDefault(object, new ConcurrentLinkedQueue<>())) {
      if (s[0] >= since && (first < 0 || s[1] < first)) {
        first = s[1];
      }
    }
    return first;
  }

  /** Acknowledged writes: increments (each key once) and reminders. */
  long acknowledgedWrites() {
    long n = reminders.size();
    for (Unkeyed u : unkeyed.values()) {
      n += u.acks.size();
    }
    for (Keyed k : keyed.values()) {
      n += k.acks.size();
    }
    return n;
  }

  /**
   * Writes whose outcome is unknown: unanswered increments without a key, keys and reminders given
   * up.
   */
  long ambiguousWrites() {
    long n = remindersAmbiguous.get();
    for (Unkeyed u : unkeyed.values()) {
      n += u.ambiguous.get();
    }
    for (Keyed k : keyed.values()) {
      n += k.abandonedMaybeApplied.get();
    }
    return n;
  }

  static List<Long> values(Iterable<Ack> acks) {
    List<Long> values = new ArrayList<>();
    acks.forEach(a -> values.add(a.value()));
    return values;
  }
}
