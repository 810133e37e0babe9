package io.durableobjects.core.internal.storage;

import java.util.Objects;

/**
 * INTERNAL API: one pending alarm of an object.
 *
 * @param name the alarm's name
 * @param scheduledMillis the time it was set for (epoch milliseconds); unchanged by retries
 * @param retryCount how many deliveries of it failed so far
 * @param dueMillis when it is delivered next: {@code scheduledMillis} at first, later the time of
 *     the next retry
 */
public record ScheduledAlarm(String name, long scheduledMillis, int retryCount, long dueMillis) {
  public ScheduledAlarm {
    Objects.requireNonNull(name, "name");
    if (retryCount < 0) {
      throw new IllegalArgumentException("retryCount must not be negative");
    }
  }

  /** An alarm set for {@code millis}, not delivered yet. */
  public static ScheduledAlarm at(String name, long millis) {
    return new ScheduledAlarm(name, millis, 0, millis);
  }

  /** This alarm after one more failed delivery, next delivered at {@code nextMillis}. */
  public ScheduledAlarm retriedAt(long nextMillis) {
    return new ScheduledAlarm(name, scheduledMillis, retryCount + 1, nextMillis);
  }
}
