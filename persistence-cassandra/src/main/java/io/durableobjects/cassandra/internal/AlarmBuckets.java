package io.durableobjects.cassandra.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * INTERNAL API
 *
 * <p>The time buckets of the Cassandra alarm index ({@code durable-objects.cassandra.alarm-index}):
 * bucket arithmetic and the settings it depends on. A bucket is named by its start, epoch
 * milliseconds floored to a multiple of the bucket size; it covers {@code [start, start + size)}.
 * Immutable.
 */
public final class AlarmBuckets {

  /** The configuration section of the alarm index. */
  public static final String CONFIG_PATH = "durable-objects.cassandra.alarm-index";

  /** The earliest due time the index stores. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest due time the index stores (Cassandra timestamps have millisecond precision). */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  static final Duration MIN_SIZE = Duration.ofSeconds(1);
  static final Duration MAX_SIZE = Duration.ofHours(1);
  static final Duration MIN_DELAY = Duration.ofSeconds(1);

  private final long sizeMillis;
  private final long delayMillis;

  /**
   * @param size the bucket size, 1 s to 1 h in whole milliseconds
   * @param deregistrationDelay how long after its end an empty bucket may be deregistered, at least
   *     1 s
   * @throws IllegalArgumentException naming the setting and the value
   */
  public AlarmBuckets(Duration size, Duration deregistrationDelay) {
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(deregistrationDelay, "deregistrationDelay");
    if (size.compareTo(MIN_SIZE) < 0
        || size.compareTo(MAX_SIZE) > 0
        || size.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          CONFIG_PATH
              + ".bucket-size must be between 1 s and 1 h in whole milliseconds, but was "
              + describe(size));
    }
    if (deregistrationDelay.compareTo(MIN_DELAY) < 0
        || deregistrationDelay.compareTo(Duration.ofDays(365)) > 0) {
      throw new IllegalArgumentException(
          CONFIG_PATH
              + ".deregistration-delay must be between 1 s and 365 d, but was "
              + describe(deregistrationDelay));
    }
    this.sizeMillis = size.toMillis();
    this.delayMillis = deregistrationDelay.toMillis();
  }

  /**
   * Reads {@value #CONFIG_PATH} ({@code bucket-size}, {@code deregistration-delay}).
   *
   * @throws IllegalArgumentException if a key is missing, not a duration, or out of range
   */
  public static AlarmBuckets fromConfig(Config config) {
    Objects.requireNonNull(config, "config");
    return new AlarmBuckets(
        duration(config, "bucket-size"), duration(config, "deregistration-delay"));
  }

  /** The bucket size in milliseconds. */
  public long sizeMillis() {
    return sizeMillis;
  }

  /** The deregistration delay in milliseconds. */
  public long delayMillis() {
    return delayMillis;
  }

  /** The bucket holding {@code epochMillis}: that time floored to a multiple of the size. */
  public long bucketOf(long epochMillis) {
    return Math.floorDiv(epochMillis, sizeMillis) * sizeMillis;
  }

  /** The end of {@code bucket} (exclusive): its start plus the size. */
  public long endOf(long bucket) {
    return bucket + sizeMillis;
  }

  /**
   * The bucket a row due at {@code dueAt} is written into at time {@code now}: the bucket of {@code
   * dueAt}, or the current bucket if that one is already in the past. Rows are never written into a
   * past bucket, which is what makes deregistering empty past buckets safe.
   */
  public long writeBucket(Instant dueAt, Instant now) {
    return bucketOf(Math.max(dueAt.toEpochMilli(), now.toEpochMilli()));
  }

  /**
   * The last bucket that may hold a row due at or before {@code upTo}, read at time {@code now}: a
   * row due long ago may have been written into the bucket that was current when it was written,
   * which is at most the current bucket.
   *
   * @param upTo within {@link #EARLIEST} and {@link #LATEST} ({@link #clampUpTo})
   */
  public long lastBucketToRead(Instant upTo, Instant now) {
    return bucketOf(Math.max(upTo.toEpochMilli(), now.toEpochMilli()));
  }

  /**
   * Whether {@code bucket} ended at least the deregistration delay before {@code now}, so that no
   * node writes into it any more (rows are never written into past buckets; the delay covers the
   * clock skew between nodes and the time an add takes between choosing its bucket and writing).
   */
  public boolean isSettled(long bucket, Instant now) {
    return endOf(bucket) <= now.toEpochMilli() - delayMillis;
  }

  /**
   * The lowest bucket that a row written at or after {@code now} can go into, by any node whose
   * clock is behind by less than the deregistration delay.
   */
  public long lowestWritableBucket(Instant now) {
    return bucketOf(now.toEpochMilli() - delayMillis);
  }

  /**
   * Checks a due time to store.
   *
   * @param what names the argument in the message, e.g. "entry.dueAt"
   * @return {@code dueAt}
   * @throws IllegalArgumentException if it is null or outside {@link #EARLIEST}..{@link #LATEST}
   */
  public static Instant requireDueAt(String what, Instant dueAt) {
    if (dueAt == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (dueAt.isBefore(EARLIEST) || dueAt.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          what + " must be between " + EARLIEST + " and " + LATEST + ", but was " + dueAt);
    }
    return dueAt;
  }

  /** {@code upTo} limited to {@link #LATEST}; empty if it is before {@link #EARLIEST}. */
  public static Optional<Instant> clampUpTo(Instant upTo) {
    if (upTo.isBefore(EARLIEST)) {
      return Optional.empty();
    }
    return Optional.of(upTo.isAfter(LATEST) ? LATEST : upTo);
  }

  private static Duration duration(Config config, String key) {
    String path = CONFIG_PATH + "." + key;
    try {
      return config.getDuration(path);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid setting " + path + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Duration duration) {
    if (duration.getNano() % 1_000_000 != 0 || duration.abs().compareTo(Duration.ofDays(1)) > 0) {
      return duration.toString(); // ISO-8601, e.g. PT0.0005S or PT8760H
    }
    return duration.toMillis() + " ms";
  }

  @Override
  public String toString() {
    return "AlarmBuckets(bucket-size="
        + sizeMillis
        + " ms, deregistration-delay="
        + delayMillis
        + " ms)";
  }
}
