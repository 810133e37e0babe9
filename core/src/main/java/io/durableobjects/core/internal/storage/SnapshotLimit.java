package io.durableobjects.core.internal.storage;

import io.durableobjects.core.StorageException;

/**
 * INTERNAL API: refuses a write that would take an object's snapshot ({@link ObjectSize#total()})
 * above {@code durable-objects.storage.max-snapshot-size}. The snapshot is one Cassandra write, and
 * one too large would fail on every try; a write that does not grow the object is always accepted,
 * so that an object above the limit (a lowered limit) can still shrink.
 *
 * @param maxBytes the limit, in bytes
 */
public record SnapshotLimit(long maxBytes) {

  /**
   * @param what the write, for the message (such as "storing key 'a'")
   * @throws StorageException with status 413, naming the parts that fill the object, if {@code
   *     after} is above the limit and larger than {@code before}
   */
  public void check(ObjectSize before, ObjectSize after, String what) {
    StorageException refusal = refusal(before, after, what);
    if (refusal != null) {
      throw refusal;
    }
  }

  /** What {@link #check} throws, or null if the write is accepted. */
  public StorageException refusal(ObjectSize before, ObjectSize after, String what) {
    if (after.total() <= maxBytes || after.total() <= before.total()) {
      return null;
    }
    return StorageException.limitExceeded(
        what
            + " would make the object's snapshot "
            + after.total()
            + " bytes ("
            + after.describe()
            + "); the limit is "
            + maxBytes
            + " bytes (durable-objects.storage.max-snapshot-size)");
  }
}
