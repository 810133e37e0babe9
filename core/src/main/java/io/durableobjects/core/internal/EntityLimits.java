package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * INTERNAL API: an object actor's limits in bytes ({@code durable-objects.entity}).
 *
 * @param maxBatchBytes the most bytes one journal write (a group-committed batch of transactions)
 *     holds; a transaction that would go beyond it starts the next write
 * @param maxWaitingBytes the most request body and argument bytes the calls waiting for the input
 *     gate may hold; a call beyond it is refused with 503 (a call may always wait alone)
 */
public record EntityLimits(long maxBatchBytes, long maxWaitingBytes) {
  /**
   * The most bytes one journal write may hold, the largest {@code max-batch-size} and the largest
   * single transaction: below Cassandra's largest mutation at its defaults (half the 32 MiB commit
   * log segment, 16 MiB), leaving room for what the write adds to its rows.
   */
  public static final long MAX_WRITE_BYTES = 12L * 1024 * 1024;

  static EntityLimits fromConfig(Config config) {
    long batch = config.getBytes("entity.max-batch-size");
    if (batch < 1 || batch > MAX_WRITE_BYTES) {
      throw new ConfigException.BadValue(
          config.origin(),
          "durable-objects.entity.max-batch-size",
          "must be between 1 byte and 12 MiB (one journal write is one Cassandra mutation, which"
              + " Cassandra refuses above half its commit log segment, 16 MiB by default), got "
              + batch);
    }
    long waiting = config.getBytes("entity.max-waiting-size");
    if (waiting < 1) {
      throw new ConfigException.BadValue(
          config.origin(),
          "durable-objects.entity.max-waiting-size",
          "must be at least 1 byte, got " + waiting);
    }
    return new EntityLimits(batch, waiting);
  }
}
