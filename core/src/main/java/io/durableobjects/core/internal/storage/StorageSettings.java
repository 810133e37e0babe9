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
 */
public record StorageSettings(int maxValueBytes, long maxObjectBytes) {

  /** The largest value limit accepted: values are held in one array, with a tag byte. */
  public static final int MAX_VALUE_LIMIT = 1 << 30;

  /** The limits of reference.conf. */
  public static final StorageSettings DEFAULTS =
      new StorageSettings(Storage.MAX_VALUE_BYTES, 8L << 20);

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
  }

  /**
   * Reads {@code durable-objects.storage} from a node's whole configuration.
   *
   * @throws ConfigException naming the key, if a size is missing, not a size, or out of range
   */
  public static StorageSettings fromConfig(Config root) {
    long maxValue = size(root, PATH + ".max-value-size", MAX_VALUE_LIMIT);
    long maxObject = size(root, PATH + ".max-object-size", Long.MAX_VALUE);
    return new StorageSettings((int) maxValue, maxObject);
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
