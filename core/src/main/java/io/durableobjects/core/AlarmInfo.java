package io.durableobjects.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The alarm being delivered to {@link AlarmHandler#alarm}.
 *
 * @param name the alarm's name: {@link Storage#DEFAULT_ALARM} for the alarm set with {@link
 *     Storage#setAlarm(Instant)}, otherwise the name given to {@link Storage#setAlarm(String,
 *     Instant)}
 * @param scheduledTime the time the alarm was set for (the same on every retry)
 * @param retryCount 0 on the first delivery; n on the n-th retry after the handler failed
 */
public record AlarmInfo(String name, Instant scheduledTime, int retryCount) {
  public AlarmInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(scheduledTime, "scheduledTime");
    if (retryCount < 0) {
      throw new IllegalArgumentException("retryCount must not be negative: " + retryCount);
    }
  }

  /** Whether an earlier delivery of this alarm failed and this one retries it. */
  public boolean isRetry() {
    return retryCount > 0;
  }
}
