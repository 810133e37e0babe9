package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.SocketRegistry;

/**
 * INTERNAL API: the durable state of one object, as the journal recovers it (snapshot + events) and
 * as snapshots store it.
 *
 * <p>Idempotency records are not touched by a delete-all: they remember requests, not data (an
 * operator's erasure forgets them too, {@link TransactionCommitted#forgetsRemembered()}). Alarms
 * are: a delete-all removes them.
 *
 * <p>Persistent format: written by {@code JournalSerializer} under the stable manifest {@code
 * object-snapshot} with a version byte.
 */
public record CommittedState(
    KeyValueState data,
    IdempotencyRecords idempotency,
    long lastWriteMillis,
    AlarmSchedule alarms,
    SocketRegistry sockets) {

  public static final CommittedState EMPTY = new CommittedState(KeyValueState.empty());

  /** A state without sockets. */
  public CommittedState(
      KeyValueState data,
      IdempotencyRecords idempotency,
      long lastWriteMillis,
      AlarmSchedule alarms) {
    this(data, idempotency, lastWriteMillis, alarms, SocketRegistry.empty());
  }

  /** A state without alarms. */
  public CommittedState(KeyValueState data, IdempotencyRecords idempotency, long lastWriteMillis) {
    this(data, idempotency, lastWriteMillis, AlarmSchedule.empty());
  }

  /**
   * A state whose last write time is unknown.
   *
   * @param lastWriteMillis when the last transaction committed (epoch milliseconds), 0 if unknown
   */
  public CommittedState(KeyValueState data, IdempotencyRecords idempotency) {
    this(data, idempotency, 0L);
  }

  /** A state that remembers no idempotency keys. */
  public CommittedState(KeyValueState data) {
    this(data, IdempotencyRecords.EMPTY);
  }

  /**
   * The state after {@code event}; the event handler and recovery both use this. A delete-all
   * applies first, then the event's changes.
   */
  public CommittedState apply(TransactionCommitted event) {
    KeyValueState next = event.deleteAll() ? KeyValueState.empty() : data;
    for (TransactionCommitted.Change change : event.changes()) {
      next = change.isDelete() ? next.remove(change.key()) : next.put(change.key(), change.value());
    }
    AlarmSchedule nextAlarms = event.deleteAll() ? AlarmSchedule.empty() : alarms;
    for (TransactionCommitted.AlarmChange change : event.alarmChanges()) {
      nextAlarms =
          change.isDelete() ? nextAlarms.without(change.name()) : nextAlarms.with(change.alarm());
    }
    SocketRegistry nextSockets = sockets;
    for (TransactionCommitted.SocketChange change : event.socketChanges()) {
      nextSockets =
          change.isDelete() ? nextSockets.without(change.id()) : nextSockets.with(change.socket());
    }
    if (event.autoResponse() != null) {
      nextSockets =
          nextSockets.withAutoResponse(
              event.autoResponse().request(), event.autoResponse().response());
    }
    return new CommittedState(
        next,
        remembered(event),
        event.committedAtMillis() > 0 ? event.committedAtMillis() : lastWriteMillis,
        nextAlarms,
        nextSockets);
  }

  private IdempotencyRecords remembered(TransactionCommitted event) {
    IdempotencyRecords records = event.forgetsRemembered() ? IdempotencyRecords.EMPTY : idempotency;
    return event.remembered() == null ? records : records.remember(event.remembered());
  }
}
