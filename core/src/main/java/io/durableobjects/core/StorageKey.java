package io.durableobjects.core;

import com.fasterxml.jackson.core.type.TypeReference;
import io.durableobjects.core.internal.storage.Keys;
import java.lang.reflect.Type;
import java.util.Optional;

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
  // Exactly one is set: a class, or a reference to a generic type.
  private final Class<T> valueClass;
  private final TypeReference<T> typeReference;

  private StorageKey(String name, Class<T> valueClass, TypeReference<T> typeReference) {
    this.name = name;
    this.valueClass = valueClass;
    this.typeReference = typeReference;
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
    return new StorageKey<>(name, type, null);
  }

  /**
   * A typed key whose values are of a generic type:
   *
   * <pre>{@code
   * static final StorageKey<List<Item>> ITEMS = StorageKey.of("items", new TypeReference<>() {});
   * }</pre>
   *
   * @throws StorageException if the name is not a valid key or the type is null
   */
  public static <T> StorageKey<T> of(String name, TypeReference<T> type) {
    Keys.validate(name);
    if (type == null) {
      throw new StorageException("the type of storage key '" + name + "' must not be null");
    }
    return new StorageKey<>(name, null, type);
  }

  /** The key. */
  public String name() {
    return name;
  }

  /** The type values are read as: a {@link Class}, or a generic type such as {@code List<Item>}. */
  public Type type() {
    return valueClass != null ? valueClass : typeReference.getType();
  }

  /** The class values are read as, if the key was made with one. */
  Optional<Class<T>> valueClass() {
    return Optional.ofNullable(valueClass);
  }

  /** The generic type values are read as, if the key was made with a type reference. */
  Optional<TypeReference<T>> typeReference() {
    return Optional.ofNullable(typeReference);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageKey<?> other
        && name.equals(other.name)
        && type().equals(other.type());
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + type().hashCode();
  }

  @Override
  public String toString() {
    return "StorageKey(" + name + ": " + type().getTypeName() + ")";
  }
}
