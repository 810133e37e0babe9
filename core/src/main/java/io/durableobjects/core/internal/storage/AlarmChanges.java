package io.durableobjects.core.internal.storage;

import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.util.List;

/**
 * INTERNAL API: what one transaction of {@link TransactionalStorage} does to the object's alarms:
 * the schedule it ends with and, per alarm name it changed, the alarm it ends with ({@code null}
 * for a deleted one), in UTF-8 name order. Savepoints are O(1): both are persistent.
 */
final class AlarmChanges {
  private static final scala.collection.immutable.TreeMap<String, ScheduledAlarm> NONE =
      new scala.collection.immutable.TreeMap<>(KeyValueState.ORDERING);

  /** A state to return to. */
  record Savepoint(
      AlarmSchedule alarms, scala.collection.immutable.TreeMap<String, ScheduledAlarm> changes) {}

  private AlarmSchedule alarms;
  private scala.collection.immutable.TreeMap<String, ScheduledAlarm> changes = NONE;

  AlarmChanges(AlarmSchedule alarms) {
    this.alarms = alarms;
  }

  AlarmSchedule result() {
    return alarms;
  }

  void put(ScheduledAlarm alarm) {
    alarms = alarms.with(alarm);
    changes = changes.updated(alarm.name(), alarm);
  }

  boolean remove(String name) {
    if (!alarms.contains(name)) {
      return false;
    }
    alarms = alarms.without(name);
    changes = changes.updated(name, null);
    return true;
  }

  /** Forgets every alarm and every change (delete-all: the event says so itself). */
  void clear() {
    alarms = AlarmSchedule.empty();
    changes = NONE;
  }

  boolean hasChanges() {
    return !changes.isEmpty();
  }

  Savepoint savepoint() {
    return new Savepoint(alarms, changes);
  }

  void restore(Savepoint saved) {
    alarms = saved.alarms();
    changes = saved.changes();
  }

  List<TransactionCommitted.AlarmChange> toEvent() {
    return KeyValueState.inOrder(changes, TransactionCommitted.AlarmChange::new);
  }
}
