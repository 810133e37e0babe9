package io.durableobjects.core.admin;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * One stored key and its value as the object stored it: JSON text for values stored as objects, or
 * raw bytes for values stored as a {@code byte[]}.
 */
public final class StoredEntry {
  private final String key;
  private final String json;
  private final byte[] bytes;

  private StoredEntry(String key, String json, byte[] bytes) {
    this.key = key;
    this.json = json;
    this.bytes = bytes;
  }

  /** An entry whose value was stored as JSON. */
  public static StoredEntry json(String key, byte[] utf8Json) {
    return new StoredEntry(key, new String(utf8Json, StandardCharsets.UTF_8), null);
  }

  /** An entry whose value was stored as a {@code byte[]}. */
  public static StoredEntry bytes(String key, byte[] value) {
    return new StoredEntry(key, null, value.clone());
  }

  public String key() {
    return key;
  }

  /** The value as JSON text, if it was stored as an object. */
  public Optional<String> json() {
    return Optional.ofNullable(json);
  }

  /** The value's bytes, if it was stored as a {@code byte[]}. */
  public Optional<byte[]> bytes() {
    return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredEntry other
        && key.equals(other.key)
        && java.util.Objects.equals(json, other.json)
        && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "StoredEntry(" + key + ")";
  }
}
