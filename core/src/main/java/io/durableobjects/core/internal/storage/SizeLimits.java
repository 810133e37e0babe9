package io.durableobjects.core.internal.storage;

import io.durableobjects.core.StorageException;

/**
 * INTERNAL API: refuses a write that would take an object's keys and values above {@code
 * durable-objects.storage.max-object-size}, or its snapshot ({@link ObjectSize#total()}) above
 * {@code max-snapshot-size}. The snapshot is one Cassandra write, and one too large would fail on
 * every try. A write that does not grow the object is always accepted, so that an object above a
 * limit (a lowered one) can still shrink.
 *
 * @param maxObjectBytes the limit of the keys and values (UTF-8 keys plus encoded values)
 * @param maxBytes the snapshot's limit, in bytes
 */
public record SizeLimits(long maxObjectBytes, long maxBytes) {

  /**
   * @throws StorageException (413) if {@code next} is above the object limit and larger than {@code
   *     before}
   */
  public void checkData(KeyValueState before, KeyValueState next, String what) {
    if (next.bytes() > maxObjectBytes && next.bytes() > before.bytes()) {
      throw StorageException.limitExceeded(
          what
              + " would make the object's storage "
              + next.bytes()
              + " bytes; the limit is "
              + maxObjectBytes
              + " bytes");
    }
  }

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
