package io.durableobjects.core.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * One alarm of an object that has not been delivered yet (or is being retried), as {@link
 * ObjectAdmin#inspect} sees it.
 *
 * @param name the alarm's name ({@code "default"} for the object's unnamed alarm)
 * @param scheduledTime the time it was set for
 * @param retryCount how many deliveries of it have failed so far
 * @param nextAttempt when it is delivered next: its scheduled time, or the time of the next retry
 */
public record PendingAlarm(
    String name, Instant scheduledTime, int retryCount, Instant nextAttempt) {
  public PendingAlarm {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scheduledTime, "scheduledTime");
    Objects.requireNonNull(nextAttempt, "nextAttempt");
  }
}
