package io.durableobjects.core;

import io.durableobjects.core.internal.ObjectIdFactory;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of one object in one namespace. It prints as 64 lowercase hexadecimal characters
 * ({@link #toString()}), which encode both the object and a check of the namespace it belongs to,
 * so an ID of one namespace is never accepted by another.
 *
 * <p>Obtain IDs from a {@link DurableObjectNamespace}: {@code idFromName} derives the same ID from
 * the same name on every node, forever. An ID created from a name remembers that name ({@link
 * #name()}); two IDs are equal when their namespace and hex form are equal, whether or not they
 * know the name.
 */
public final class DurableObjectId {
  private final String namespace;
  private final String hex;
  private final String name;

  private DurableObjectId(String namespace, String hex, String name) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.hex = Objects.requireNonNull(hex, "hex");
    this.name = name;
  }

  static {
    // The runtime makes IDs through its factory; there is no public way to forge one.
    ObjectIdFactory.register(DurableObjectId::new);
  }

  /** The namespace this ID belongs to. */
  public String namespace() {
    return namespace;
  }

  /** The name this ID was derived from, if it was created with {@code idFromName}. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** The 64 lowercase hex characters of this ID. */
  @Override
  public String toString() {
    return hex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DurableObjectId other
        && other.hex.equals(hex)
        && other.namespace.equals(namespace);
  }

  @Override
  public int hashCode() {
    return hex.hashCode();
  }
}
