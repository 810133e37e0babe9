package io.durableobjects.cassandra.internal.journal;

/**
 * INTERNAL API
 *
 * <p>Which partition of table {@code events} a sequence number belongs to: sequence numbers 1 to
 * {@code size} are in partition 0, the next {@code size} in partition 1, and so on, so that no
 * object's partition grows without bound. A batch of events is always written whole into the
 * partition of its first sequence number, so a partition may hold a few sequence numbers past its
 * range; the next batch then starts the next partition.
 */
record EventPartitions(long size) {

  EventPartitions {
    if (size < 1) {
      throw new IllegalArgumentException("partition-size must be at least 1, but was " + size);
    }
  }

  /** The partition of {@code sequenceNr} (0 and 1 are both in partition 0). */
  long of(long sequenceNr) {
    return Math.max(0L, sequenceNr - 1) / size;
  }
}
