package io.durableobjects.core.internal.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import scala.Option;
import scala.collection.immutable.TreeMap;

/**
 * INTERNAL API: an object's pending alarms by name, immutable (a persistent map, like {@link
 * KeyValueState}, so that savepoints and the committed state share it).
 */
public final class AlarmSchedule {
  private static final AlarmSchedule EMPTY =
      new AlarmSchedule(new TreeMap<>(KeyValueState.ORDERING), 0);

  private final TreeMap<String, ScheduledAlarm> alarms;
  // What the alarms take in a snapshot (ObjectSize).
  private final long bytes;

  private AlarmSchedule(TreeMap<String, ScheduledAlarm> alarms, long bytes) {
    this.alarms = alarms;
    this.bytes = bytes;
  }

  public static AlarmSchedule empty() {
    return EMPTY;
  }

  public Optional<ScheduledAlarm> get(String name) {
    Option<ScheduledAlarm> alarm = alarms.get(name);
    return alarm.isDefined() ? Optional.of(alarm.get()) : Optional.empty();
  }

  /** When the alarm {@code name} is delivered next, or Long.MIN_VALUE if there is none. */
  public long dueMillisOf(String name) {
    Option<ScheduledAlarm> alarm = alarms.get(name);
    return alarm.isDefined() ? alarm.get().dueMillis() : Long.MIN_VALUE;
  }

  public boolean contains(String name) {
    return alarms.contains(name);
  }

  public AlarmSchedule with(ScheduledAlarm alarm) {
    // An alarm's size depends only on its name: replacing one changes nothing.
    long delta = alarms.contains(alarm.name()) ? 0 : ObjectSize.alarmBytes(alarm);
    return new AlarmSchedule(alarms.updated(alarm.name(), alarm), bytes + delta);
  }

  public AlarmSchedule without(String name) {
    Option<ScheduledAlarm> alarm = alarms.get(name);
    return alarm.isDefined()
        ? new AlarmSchedule(alarms.removed(name), bytes - ObjectSize.alarmBytes(alarm.get()))
        : this;
  }

  /** What the alarms take in a snapshot ({@link ObjectSize}). */
  public long bytes() {
    return bytes;
  }

  public int size() {
    return alarms.size();
  }

  public boolean isEmpty() {
    return alarms.isEmpty();
  }

  /** Every alarm, in UTF-8 order of name. */
  public List<ScheduledAlarm> all() {
    List<ScheduledAlarm> list = new ArrayList<>(alarms.size());
    alarms.valuesIterator().foreach(list::add);
    return list;
  }

  /**
   * The alarm delivered next: the earliest {@code dueMillis}, ties broken by name. An object keeps
   * few alarms (a bounded number), so a scan is cheap.
   */
  public Optional<ScheduledAlarm> next() {
    ScheduledAlarm best = null;
    scala.collection.Iterator<ScheduledAlarm> it = alarms.valuesIterator();
    while (it.hasNext()) {
      ScheduledAlarm alarm = it.next();
      if (best == null || alarm.dueMillis() < best.dueMillis()) {
        best = alarm;
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlarmSchedule other && alarms.equals(other.alarms);
  }

  @Override
  public int hashCode() {
    return alarms.hashCode();
  }

  @Override
  public String toString() {
    return "AlarmSchedule" + all();
  }

  /** How many of the alarms are the runtime's internal ones ({@link AlarmRules#isInternal}). */
  public int internalCount() {
    return alarms.contains(AlarmRules.EXPIRY) ? 1 : 0;
  }

  /** The object's own alarms, in UTF-8 order of name: every alarm but the internal ones. */
  public List<ScheduledAlarm> userAlarms() {
    List<ScheduledAlarm> list = all();
    list.removeIf(alarm -> AlarmRules.isInternal(alarm.name()));
    return list;
  }

  /** Each of the object's own alarms' name and time, in this schedule's order (no internal one). */
  public java.util.Map<String, java.time.Instant> times() {
    java.util.Map<String, java.time.Instant> result = new java.util.LinkedHashMap<>();
    for (ScheduledAlarm alarm : userAlarms()) {
      result.put(alarm.name(), java.time.Instant.ofEpochMilli(alarm.scheduledMillis()));
    }
    return java.util.Collections.unmodifiableMap(result);
  }
}
