package io.durableobjects.core;

import java.util.Optional;

/**
 * An object's key-value storage: strongly consistent, transactional and durable.
 *
 * <p>Reads are served from memory and are synchronous: a write is visible to the very next read.
 * Writes made while handling a request are buffered and commit atomically, as one journal event,
 * when the request's handler returns; if the handler throws, they are discarded.
 *
 * <p>Keys are non-empty strings of at most {@value #MAX_KEY_BYTES} bytes in UTF-8. Values are any
 * value Jackson can serialize and deserialize, or {@code byte[]} (stored as is); a serialized value
 * may be at most {@value #MAX_VALUE_BYTES} bytes. A value read back is always a fresh copy:
 * modifying it does not change what is stored.
 */
public interface Storage {

  /** The largest key, in bytes of UTF-8. */
  int MAX_KEY_BYTES = 2048;

  /** The largest serialized value, in bytes. */
  int MAX_VALUE_BYTES = 128 * 1024;

  /**
   * Reads the value stored under {@code key}.
   *
   * @param type the class to deserialize the value into ({@code byte[].class} for raw bytes)
   * @return the value, or empty if the key is not stored
   * @throws StorageException if the key is invalid or the stored value cannot be read as {@code
   *     type}
   */
  <T> Optional<T> get(String key, Class<T> type);

  /**
   * Stores {@code value} under {@code key}, replacing any previous value.
   *
   * @throws StorageException if the key or value is invalid, too large, or cannot be serialized;
   *     nothing is written in that case
   */
  void put(String key, Object value);

  /**
   * Deletes {@code key}.
   *
   * @return whether the key was stored
   * @throws StorageException if the key is invalid
   */
  boolean delete(String key);
}
