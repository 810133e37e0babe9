package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.internal.serialization.JournalSerializer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * INTERNAL API: the output gate: nothing an object sends leaves before every write made before it
 * is durable.
 *
 * <p>It owns the <i>open</i> batch, which collects the transactions committed to the working state
 * (and the replies and socket commands that wait for them), the batches <i>closed</i> at the cap
 * below, and the one <i>in flight</i>, being written by the journal. A transaction committed while
 * none is in flight is written at once; those committed while one is in flight are written together
 * next, in one journal write (group commit). A batch is capped in bytes (the transactions' journal
 * payloads plus {@link #EVENT_OVERHEAD_BYTES} each), since one journal write is one Cassandra
 * mutation, which Cassandra refuses above half its commit log segment: a transaction that would
 * take the open batch past the cap closes it and starts the next one, and closed batches are
 * written one after another, in order. A transaction larger than the cap is written alone ({@code
 * CallRunner} refuses one that no journal write can hold). A reply without writes of its own still
 * waits behind the latest batch, as it may have read its writes ({@link #release}). What a running
 * call sends to other objects (and replies to re-entrant calls) waits in its {@link
 * OutgoingCallGate}, which counts the same transactions.
 *
 * <p>The gate neither writes nor confirms: it hands the batch to write to the caller ({@link
 * #commit}, {@link #nextToWrite}) and is told of the journal's and the alarm index's confirmations.
 * If a write fails, everything waiting fails with a retryable error ({@link #writeFailed}).
 */
final class OutputGate {
  /**
   * What a journal row adds to a transaction's payload in the write (persistence ID, sequence and
   * partition numbers, writer, serializer ID and manifest, timestamps), counted generously.
   */
  static final int EVENT_OVERHEAD_BYTES = 256;

  private final OutgoingCallGate calls = new OutgoingCallGate();
  private final long maxBatchBytes;
  // Unique for the actor's life, so that a confirmation for an older batch is told apart.
  private long nextBatchId = 1;
  private Batch open = new Batch(nextBatchId++);
  // Batches closed at the cap, oldest first, each written after the one before is durable.
  private final Deque<Batch> closed = new ArrayDeque<>();
  private Batch inFlight;

  /** A gate whose batches hold at most {@code maxBatchBytes} (but always one transaction). */
  OutputGate(long maxBatchBytes) {
    this.maxBatchBytes = maxBatchBytes;
  }

  /** The gate for calls out of the object instance activated now. */
  OutgoingCallGate.Instance forInstance() {
    return calls.forInstance();
  }

  /**
   * Adds a transaction committed to the working state to the open batch, with the socket commands
   * and the reply (null: none) that wait for it.
   *
   * @return the batch to write now (none in flight), or null
   */
  Batch commit(TransactionCommitted event, List<Runnable> effects, Batch.PendingReply reply) {
    long bytes = (long) JournalSerializer.transactionSize(event) + EVENT_OVERHEAD_BYTES;
    if (open.hasEvents() && open.bytes + bytes > maxBatchBytes) {
      closed.addLast(open);
      open = new Batch(nextBatchId++);
    }
    open.bytes += bytes;
    for (TransactionCommitted.AlarmChange change : event.alarmChanges()) {
      if (!change.isDelete()) {
        open.earliestAlarmSet = Math.min(open.earliestAlarmSet, change.alarm().dueMillis());
      }
    }
    open.effects.addAll(effects);
    if (reply != null) {
      open.waiters.add(reply);
    }
    open.events.add(event);
    calls.committed();
    return nextToWrite();
  }

  /**
   * Sends socket commands and a reply that bring no writes of their own, once every batch before
   * them is durable (at once if none is pending).
   */
  void release(List<Runnable> effects, Batch.PendingReply reply) {
    if (open.hasEvents()) {
      open.effects.addAll(effects);
      open.waiters.add(reply);
    } else if (!closed.isEmpty()) {
      closed.getLast().effects.addAll(effects);
      closed.getLast().waiters.add(reply);
    } else if (inFlight != null) {
      inFlight.effects.addAll(effects);
      inFlight.waiters.add(reply);
    } else {
      effects.forEach(Runnable::run);
      reply.send();
    }
  }

  /**
   * The oldest closed batch, else the open one if it has transactions, now in flight; null if one
   * is in flight already or none has transactions.
   */
  Batch nextToWrite() {
    if (inFlight != null) {
      return null;
    }
    if (!closed.isEmpty()) {
      inFlight = closed.removeFirst();
    } else if (open.hasEvents()) {
      inFlight = open;
      open = new Batch(nextBatchId++);
    }
    return inFlight;
  }

  /** The batch in flight if its ID is {@code batchId}, else null (an older one's news). */
  Batch inFlight(long batchId) {
    return inFlight != null && inFlight.id == batchId ? inFlight : null;
  }

  /**
   * Releases what waited for the batch in flight if both the journal and the alarm index have it.
   *
   * @return that batch, or null if it is not durable yet
   */
  Batch releaseIfDurable() {
    if (inFlight == null || !inFlight.isDurable()) {
      return null;
    }
    Batch done = inFlight;
    done.release();
    calls.durable(done.events.size());
    inFlight = null;
    return done;
  }

  /** Transactions committed but not yet durable. */
  int unconfirmed() {
    int count = open.events.size() + (inFlight == null ? 0 : inFlight.events.size());
    for (Batch batch : closed) {
      count += batch.events.size();
    }
    return count;
  }

  /** Whether the working state is durable: no transaction is open, closed or in flight. */
  boolean allDurable() {
    return inFlight == null && closed.isEmpty() && !open.hasEvents();
  }

  /** Whether nothing at all waits: no write, no reply, no socket command. */
  boolean isIdle() {
    return inFlight == null && closed.isEmpty() && open.isEmpty();
  }

  /**
   * A journal write failed: every transaction not durable is lost, and every reply waiting on one
   * gets {@code error}; their socket commands and calls out are never sent.
   */
  void writeFailed(DurableObjectException error) {
    calls.writeFailed(error);
    FetchReply reply = FetchReply.Failed.of(error);
    if (inFlight != null) {
      inFlight.fail(reply);
    }
    closed.forEach(batch -> batch.fail(reply));
    open.fail(reply);
    inFlight = null;
    closed.clear();
    open = new Batch(nextBatchId++);
  }

  /** The instance is replaced: what it sends from now on (or holds now) never leaves. */
  void retire(DurableObjectException reason) {
    calls.retire(reason);
  }

  /** The actor stopped. */
  void stopped() {
    calls.stopped();
  }
}
