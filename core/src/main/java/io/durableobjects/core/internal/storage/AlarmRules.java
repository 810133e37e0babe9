package io.durableobjects.core.internal.storage;

import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;
import java.time.Instant;

/**
 * INTERNAL API: what an object may do with alarms: whether its class handles them, and how many it
 * may keep.
 *
 * @param objectClass the object's class name, for messages
 * @param handlesAlarms whether the class implements AlarmHandler or AsyncAlarmHandler
 * @param maxPerObject the most alarms one object may keep pending
 */
public record AlarmRules(String objectClass, boolean handlesAlarms, int maxPerObject) {

  /**
   * The name of the runtime's expiry alarm ({@code expire-after-idle}). Internal alarm names start
   * with U+0000, a control character, which {@link #validateName} refuses: no object can set, read
   * or delete one, and {@link AlarmSchedule#times()} (the object's list) leaves them out.
   */
  public static final String EXPIRY = "\u0000expire-after-idle";

  /** Whether {@code name} is one of the runtime's internal alarms, never the object's own. */
  public static boolean isInternal(String name) {
    return !name.isEmpty() && name.charAt(0) == '\u0000';
  }

  /** Rules that allow alarms, for tests of storage alone. */
  public static final AlarmRules PERMISSIVE = new AlarmRules("(any)", true, 1000);

  /** Checks an alarm name, with a message that says what is wrong. */
  public static String validateName(String name) {
    if (name == null) {
      throw new StorageException("an alarm name must not be null");
    }
    if (name.isEmpty()) {
      throw new StorageException("an alarm name must not be empty");
    }
    int bad = Keys.unpairedSurrogate(name);
    if (bad >= 0) {
      throw new StorageException(
          "alarm name has an unpaired surrogate at index "
              + bad
              + " and cannot be encoded in UTF-8");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new StorageException(
            "alarm name has a control character (U+"
                + String.format("%04X", (int) name.charAt(i))
                + ") at index "
                + i);
      }
    }
    int bytes = Keys.utf8Length(name);
    if (bytes > Storage.MAX_ALARM_NAME_BYTES) {
      throw new StorageException(
          "alarm name is "
              + bytes
              + " bytes of UTF-8; the limit is "
              + Storage.MAX_ALARM_NAME_BYTES);
    }
    return name;
  }

  /** The time as epoch milliseconds (the precision alarms keep). */
  public static long validateTime(Instant time) {
    if (time == null) {
      throw new StorageException("the alarm time must not be null");
    }
    try {
      return time.toEpochMilli();
    } catch (ArithmeticException e) {
      throw new StorageException("the alarm time " + time + " is out of range");
    }
  }

  /** Refuses alarms to a class that cannot receive them. */
  public void checkHandled() {
    if (!handlesAlarms) {
      throw new StorageException(
          objectClass + " sets an alarm but implements neither AlarmHandler nor AsyncAlarmHandler");
    }
  }

  /**
   * Checks that {@code current} has room for an alarm named {@code name} (a new name counts).
   *
   * @throws StorageException (413) beyond {@link #maxPerObject}
   */
  void checkRoomFor(AlarmSchedule current, String name) {
    // The runtime's internal alarms do not count: the object did not set them.
    if (!current.contains(name) && current.size() - current.internalCount() >= maxPerObject) {
      throw StorageException.limitExceeded(
          "setting alarm '"
              + name
              + "' would give the object more than "
              + maxPerObject
              + " alarms (durable-objects.alarms.max-per-object)");
    }
  }
}
