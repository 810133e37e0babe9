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
 * @param quarantineAfter how long a due row may stay in the index, unhandled, before the poller
 *     quarantines it (its namespace is unknown here, or its object does not start)
 * @param quarantineRetryInterval how far ahead a quarantined row is moved: when it is tried again
 * @param indexRetryMinBackoff the first delay before an object writes its index row again
 * @param indexRetryMaxBackoff the longest delay between two attempts to write an index row
 * @param indexRetryAttempts the most attempts for the index writes that are not retried until they
 *     succeed: the row a request waits for, and removals
 */
public record AlarmSettings(
    int maxRetries,
    Duration firstRetryDelay,
    Duration maxRetryDelay,
    int maxPerObject,
    Duration pollInterval,
    Duration lookahead,
    Duration wakeRetryInterval,
    int pollLimit,
    Duration quarantineAfter,
    Duration quarantineRetryInterval,
    Duration indexRetryMinBackoff,
    Duration indexRetryMaxBackoff,
    int indexRetryAttempts) {

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
    Duration wakeRetry =
        DurableObjectsSettings.positive(durableObjects, "alarms.wake-retry-interval");
    Duration quarantineAfter =
        DurableObjectsSettings.positive(durableObjects, "alarms.quarantine-after");
    if (quarantineAfter.compareTo(wakeRetry) <= 0) {
      // An object whose node died is woken again after wake-retry-interval: it must get that
      // chance.
      throw new ConfigException.BadValue(
          durableObjects.origin(),
          PATH + "quarantine-after",
          "must be longer than wake-retry-interval (" + wakeRetry + "), got " + quarantineAfter);
    }
    Duration quarantineRetry =
        DurableObjectsSettings.positive(durableObjects, "alarms.quarantine-retry-interval");
    if (quarantineRetry.compareTo(lookahead) <= 0) {
      // A row moved no further than the lookahead would be read again by the next poll.
      throw new ConfigException.BadValue(
          durableObjects.origin(),
          PATH + "quarantine-retry-interval",
          "must be longer than lookahead (" + lookahead + "), got " + quarantineRetry);
    }
    Duration minBackoff =
        DurableObjectsSettings.positive(durableObjects, "alarms.index-retry-min-backoff");
    Duration maxBackoff =
        DurableObjectsSettings.positive(durableObjects, "alarms.index-retry-max-backoff");
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new ConfigException.BadValue(
          durableObjects.origin(),
          PATH + "index-retry-max-backoff",
          "must not be shorter than index-retry-min-backoff ("
              + minBackoff
              + "), got "
              + maxBackoff);
    }
    return new AlarmSettings(
        maxRetries,
        first,
        max,
        maxPerObject,
        DurableObjectsSettings.positive(durableObjects, "alarms.poll-interval"),
        lookahead,
        wakeRetry,
        DurableObjectsSettings.atLeast(durableObjects, "alarms.poll-limit", 1),
        quarantineAfter,
        quarantineRetry,
        minBackoff,
        maxBackoff,
        DurableObjectsSettings.atLeast(durableObjects, "alarms.index-retry-attempts", 1));
  }

  /**
   * The delay after failed index write number {@code attempt} (1 for the first): doubling, capped.
   */
  public Duration indexRetryDelay(int attempt) {
    Duration delay = indexRetryMinBackoff;
    for (int i = 1; i < attempt && delay.compareTo(indexRetryMaxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(indexRetryMaxBackoff) > 0 ? indexRetryMaxBackoff : delay;
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
