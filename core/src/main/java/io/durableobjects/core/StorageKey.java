package io.durableobjects.core;

import io.durableobjects.core.internal.storage.Keys;

/**
 * A storage key together with the type of its value, so that reads need no class argument and
 * writes are type-checked by the compiler:
 *
 * <pre>{@code
 * static final StorageKey<Long> COUNT = StorageKey.of("count", Long.class);
 *
 * long next = storage.get(COUNT).orElse(0L) + 1;
 * storage.put(COUNT, next);
 * }</pre>
 *
 * <p>A typed key names the same entry as its plain name: {@code get(COUNT)} and {@code get("count",
 * Long.class)} read the same value. Two typed keys are equal if they have the same name and type.
 */
public final class StorageKey<T> {
  private final String name;
  private final Class<T> type;

  private StorageKey(String name, Class<T> type) {
    this.name = name;
    this.type = type;
  }

  /**
   * A typed key.
   *
   * @param name the key; checked now, with the rules of every key (non-empty, valid UTF-16, at most
   *     {@value Storage#MAX_KEY_BYTES} bytes in UTF-8)
   * @param type the class values are read as ({@code byte[].class} for raw bytes)
   * @throws StorageException if the name is not a valid key or the type is null
   */
  public static <T> StorageKey<T> of(String name, Class<T> type) {
    Keys.validate(name);
    if (type == null) {
      throw new StorageException("the type of storage key '" + name + "' must not be null");
    }
    return new StorageKey<>(name, type);
  }

  /** The key. */
  public String name() {
    return name;
  }

  /** The class values are read as. */
  public Class<T> type() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageKey<?> other && name.equals(other.name) && type == other.type;
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + type.hashCode();
  }

  @Override
  public String toString() {
    return "StorageKey(" + name + ": " + type.getName() + ")";
  }
}
