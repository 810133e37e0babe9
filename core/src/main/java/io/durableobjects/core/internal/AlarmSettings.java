package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * INTERNAL API: {@code durable-objects.alarms}: how alarms are retried, limited and found.
 *
 * @param maxRetries how many times a failing alarm is retried before it is dropped
 * @param firstRetryDelay the delay before the first retry; each further retry waits twice as long
 * @param maxRetryDelay the longest delay between two retries
 * @param maxPerObject the most alarms one object may keep
 * @param pollInterval how often the node that runs the poller reads the alarm index
 * @param lookahead how far ahead of their time objects are woken (they then fire on a local timer)
 * @param wakeRetryInterval how long the poller waits before waking again an object whose row is
 *     still in the index
 * @param pollLimit the most index rows one poll reads
 */
public record AlarmSettings(
    int maxRetries,
    Duration firstRetryDelay,
    Duration maxRetryDelay,
    int maxPerObject,
    Duration pollInterval,
    Duration lookahead,
    Duration wakeRetryInterval,
    int pollLimit) {

  private static final String PATH = "durable-objects.alarms.";

  /** Reads {@code alarms} from the {@code durable-objects} section. */
  static AlarmSettings fromConfig(Config durableObjects) {
    int maxRetries = DurableObjectsSettings.atLeast(durableObjects, "alarms.max-retries", 0);
    if (maxRetries > 100) {
      throw new ConfigException.BadValue(
          durableObjects.origin(), PATH + "max-retries", "must be at most 100, got " + maxRetries);
    }
    Duration first = DurableObjectsSettings.positive(durableObjects, "alarms.first-retry-delay");
    Duration max = DurableObjectsSettings.positive(durableObjects, "alarms.max-retry-delay");
    if (max.compareTo(first) < 0) {
      throw new ConfigException.BadValue(
          durableObjects.origin(),
          PATH + "max-retry-delay",
          "must not be shorter than first-retry-delay (" + first + "), got " + max);
    }
    int maxPerObject = DurableObjectsSettings.atLeast(durableObjects, "alarms.max-per-object", 1);
    if (maxPerObject > 100_000) {
      throw new ConfigException.BadValue(
          durableObjects.origin(),
          PATH + "max-per-object",
          "must be at most 100000, got " + maxPerObject);
    }
    Duration lookahead = durableObjects.getDuration("alarms.lookahead");
    if (lookahead.isNegative()) {
      throw new ConfigException.BadValue(
          durableObjects.origin(), PATH + "lookahead", "must not be negative, got " + lookahead);
    }
    return new AlarmSettings(
        maxRetries,
        first,
        max,
        maxPerObject,
        DurableObjectsSettings.positive(durableObjects, "alarms.poll-interval"),
        lookahead,
        DurableObjectsSettings.positive(durableObjects, "alarms.wake-retry-interval"),
        DurableObjectsSettings.atLeast(durableObjects, "alarms.poll-limit", 1));
  }

  /** The delay before retry number {@code retry} (1 for the first): doubling, capped. */
  public Duration retryDelay(int retry) {
    Duration delay = firstRetryDelay;
    for (int i = 1; i < retry && delay.compareTo(maxRetryDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxRetryDelay) > 0 ? maxRetryDelay : delay;
  }
}
