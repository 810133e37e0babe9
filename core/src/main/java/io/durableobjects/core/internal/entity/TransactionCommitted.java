package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import java.util.Arrays;
import java.util.List;

/**
 * INTERNAL API: the journal event of one committed transaction: whether it deleted every key first,
 * then every key it put (with its encoded value) or deleted after that, each key once.
 *
 * <p>Applying it ({@link CommittedState#apply}): if {@link #deleteAll()}, start from an empty
 * key-value map and no alarms; then apply the changes in order, then the alarm changes.
 *
 * <p>Persistent format: written by {@code JournalSerializer} under the stable manifest {@code
 * transaction-committed} with a version byte and a flags byte ({@code deleteAll} is bit 0). Never
 * rename or reorder; add versions or flags instead.
 *
 * @param deleteAll whether every key was deleted before the changes
 * @param changes the keys written after that, each once
 * @param remembered the response remembered under the request's idempotency key, or null
 * @param committedAtMillis when the transaction committed (epoch milliseconds), or 0 if unknown
 *     (events written before the time was recorded)
 * @param alarmChanges the alarms set or deleted after the key changes, each name once
 * @param socketChanges the WebSockets accepted, changed or forgotten, each ID once (a delete-all
 *     does not touch sockets: they are connections, not data)
 * @param autoResponse the object's new auto-response pair, or null if unchanged
 * @param forgetsRemembered whether every remembered idempotency key is forgotten first (an
 *     operator's erasure of the object; the object's own delete-all keeps them)
 */
public record TransactionCommitted(
    boolean deleteAll,
    List<Change> changes,
    IdempotencyRecords.Remembered remembered,
    long committedAtMillis,
    List<AlarmChange> alarmChanges,
    List<SocketChange> socketChanges,
    AutoResponse autoResponse,
    boolean forgetsRemembered) {

  public TransactionCommitted {
    changes = List.copyOf(changes);
    alarmChanges = List.copyOf(alarmChanges);
    socketChanges = List.copyOf(socketChanges);
  }

  /** A transaction that keeps the remembered idempotency keys. */
  public TransactionCommitted(
      boolean deleteAll,
      List<Change> changes,
      IdempotencyRecords.Remembered remembered,
      long committedAtMillis,
      List<AlarmChange> alarmChanges,
      List<SocketChange> socketChanges,
      AutoResponse autoResponse) {
    this(
        deleteAll,
        changes,
        remembered,
        committedAtMillis,
        alarmChanges,
        socketChanges,
        autoResponse,
        false);
  }

  /** A transaction that changes no socket. */
  public TransactionCommitted(
      boolean deleteAll,
      List<Change> changes,
      IdempotencyRecords.Remembered remembered,
      long committedAtMillis,
      List<AlarmChange> alarmChanges) {
    this(deleteAll, changes, remembered, committedAtMillis, alarmChanges, List.of(), null);
  }

  /** A transaction that changes no alarm. */
  public TransactionCommitted(
      boolean deleteAll,
      List<Change> changes,
      IdempotencyRecords.Remembered remembered,
      long committedAtMillis) {
    this(deleteAll, changes, remembered, committedAtMillis, List.of());
  }

  /** A transaction without a commit time. */
  public TransactionCommitted(
      boolean deleteAll, List<Change> changes, IdempotencyRecords.Remembered remembered) {
    this(deleteAll, changes, remembered, 0L);
  }

  /** A transaction that remembers no idempotency key. */
  public TransactionCommitted(boolean deleteAll, List<Change> changes) {
    this(deleteAll, changes, null);
  }

  /** A transaction that did not delete all keys. */
  public TransactionCommitted(List<Change> changes) {
    this(false, changes);
  }

  /** This transaction, also remembering {@code record}. */
  public TransactionCommitted withRemembered(IdempotencyRecords.Remembered record) {
    return new TransactionCommitted(
        deleteAll,
        changes,
        record,
        committedAtMillis,
        alarmChanges,
        socketChanges,
        autoResponse,
        forgetsRemembered);
  }

  /** This transaction, committed at {@code millis}. */
  public TransactionCommitted withCommittedAt(long millis) {
    return new TransactionCommitted(
        deleteAll,
        changes,
        remembered,
        millis,
        alarmChanges,
        socketChanges,
        autoResponse,
        forgetsRemembered);
  }

  /** This transaction, also changing these alarms. */
  public TransactionCommitted withAlarmChanges(List<AlarmChange> alarms) {
    return new TransactionCommitted(
        deleteAll,
        changes,
        remembered,
        committedAtMillis,
        alarms,
        socketChanges,
        autoResponse,
        forgetsRemembered);
  }

  /** This transaction, also forgetting every remembered idempotency key first. */
  public TransactionCommitted forgettingRemembered() {
    return new TransactionCommitted(
        deleteAll,
        changes,
        remembered,
        committedAtMillis,
        alarmChanges,
        socketChanges,
        autoResponse,
        true);
  }

  /** Whether this transaction changes nothing but alarms (or nothing at all). */
  public boolean changesOnlyAlarms() {
    return !deleteAll && changes.isEmpty() && remembered == null && !forgetsRemembered;
  }

  /**
   * One socket's change.
   *
   * @param id the socket's ID
   * @param socket the socket as it is now, or {@code null} if the object forgot it
   */
  public record SocketChange(String id, SocketRecord socket) {
    public boolean isDelete() {
      return socket == null;
    }
  }

  /** The object's auto-response pair as set (both null: none). */
  public record AutoResponse(String request, String response) {}

  /**
   * One alarm's change.
   *
   * @param name the alarm's name
   * @param alarm the alarm as it is now, or {@code null} if it was deleted (or delivered)
   */
  public record AlarmChange(String name, ScheduledAlarm alarm) {
    public boolean isDelete() {
      return alarm == null;
    }
  }

  /**
   * One key's change. Equality compares the value's bytes.
   *
   * @param key the key
   * @param value the encoded value, or {@code null} if the key was deleted
   */
  public record Change(String key, byte[] value) {
    public boolean isDelete() {
      return value == null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Change other
          && key.equals(other.key)
          && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return isDelete()
          ? "Change(" + key + " deleted)"
          : "Change(" + key + " = " + value.length + " bytes)";
    }
  }
}
