package io.durableobjects.core.internal.storage;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.durableobjects.core.Storage;

/**
 * INTERNAL API: the typed view of {@code durable-objects.storage}: the size limits of an object's
 * storage.
 *
 * @param maxValueBytes the largest serialized value, in bytes
 * @param maxObjectBytes the largest total of an object's storage (UTF-8 keys plus encoded values),
 *     in bytes
 * @param maxSnapshotBytes the largest snapshot of an object's whole committed state ({@link
 *     ObjectSize#total()}): its data, idempotency records, WebSockets and alarms, in bytes
 */
public record StorageSettings(int maxValueBytes, long maxObjectBytes, long maxSnapshotBytes) {

  /** The largest value limit accepted: values are held in one array, with a tag byte. */
  public static final int MAX_VALUE_LIMIT = 1 << 30;

  /** The snapshot limit of reference.conf: below Cassandra's 16 MiB, with room for the row. */
  public static final long DEFAULT_MAX_SNAPSHOT_BYTES = 15L << 20;

  /**
   * The largest snapshot limit accepted: a snapshot is serialized into one array, and Cassandra's
   * largest commit log segment (2 GiB) takes a mutation of half that.
   */
  public static final long MAX_SNAPSHOT_LIMIT = 1L << 30;

  /** The limits of reference.conf. */
  public static final StorageSettings DEFAULTS =
      new StorageSettings(Storage.MAX_VALUE_BYTES, 8L << 20, DEFAULT_MAX_SNAPSHOT_BYTES);

  private static final String PATH = "durable-objects.storage";

  public StorageSettings {
    if (maxValueBytes < 1 || maxValueBytes > MAX_VALUE_LIMIT) {
      throw new IllegalArgumentException(
          "maxValueBytes must be between 1 and " + MAX_VALUE_LIMIT + ", got " + maxValueBytes);
    }
    if (maxObjectBytes < 1) {
      throw new IllegalArgumentException(
          "maxObjectBytes must be at least 1, got " + maxObjectBytes);
    }
    if (maxSnapshotBytes <= maxObjectBytes || maxSnapshotBytes > MAX_SNAPSHOT_LIMIT) {
      throw new IllegalArgumentException(
          "maxSnapshotBytes must be above maxObjectBytes ("
              + maxObjectBytes
              + ") and at most "
              + MAX_SNAPSHOT_LIMIT
              + ", got "
              + maxSnapshotBytes);
    }
  }

  /** These limits with the default snapshot limit, or twice the object limit if that is more. */
  public StorageSettings(int maxValueBytes, long maxObjectBytes) {
    this(
        maxValueBytes,
        maxObjectBytes,
        Math.min(
            MAX_SNAPSHOT_LIMIT,
            Math.max(
                DEFAULT_MAX_SNAPSHOT_BYTES, 2 * Math.min(maxObjectBytes, MAX_SNAPSHOT_LIMIT))));
  }

  /**
   * Reads {@code durable-objects.storage} from a node's whole configuration.
   *
   * @throws ConfigException naming the key, if a size is missing, not a size, or out of range
   */
  public static StorageSettings fromConfig(Config root) {
    long maxValue = size(root, PATH + ".max-value-size", MAX_VALUE_LIMIT);
    long maxObject = size(root, PATH + ".max-object-size", MAX_SNAPSHOT_LIMIT - 1);
    long maxSnapshot = size(root, PATH + ".max-snapshot-size", MAX_SNAPSHOT_LIMIT);
    if (maxSnapshot <= maxObject) {
      throw new ConfigException.BadValue(
          root.getValue(PATH + ".max-snapshot-size").origin(),
          PATH + ".max-snapshot-size",
          "must be above "
              + PATH
              + ".max-object-size ("
              + maxObject
              + " bytes): a snapshot holds the object's keys and values and more; got "
              + maxSnapshot);
    }
    return new StorageSettings((int) maxValue, maxObject, maxSnapshot);
  }

  // Read by full path, so that the config library's own errors (not a size) name the whole key.
  private static long size(Config root, String path, long max) {
    long value = root.getBytes(path);
    if (value < 1 || value > max) {
      throw new ConfigException.BadValue(
          root.getValue(path).origin(),
          path,
          "must be a size between 1 byte and " + max + " bytes (such as 128 KiB), got " + value);
    }
    return value;
  }
}
