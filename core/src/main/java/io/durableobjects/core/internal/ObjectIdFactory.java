package io.durableobjects.core.internal;

import io.durableobjects.core.DurableObjectId;

/**
 * INTERNAL API: makes {@link DurableObjectId}s from a hex form already validated for their
 * namespace. The ID's constructor is private: the class hands this factory its constructor when it
 * is loaded, so that the runtime can make IDs without a public method that could forge them.
 */
public final class ObjectIdFactory {

  /** How {@link DurableObjectId} makes an instance. */
  @FunctionalInterface
  public interface Maker {
    DurableObjectId make(String namespace, String hex, String name);
  }

  private static volatile Maker maker;

  private ObjectIdFactory() {}

  /**
   * Called once, by {@link DurableObjectId}'s static initializer.
   *
   * @throws IllegalStateException if a maker was registered already
   */
  public static synchronized void register(Maker idMaker) {
    if (maker != null) {
      throw new IllegalStateException("DurableObjectId's maker is registered already");
    }
    maker = idMaker;
  }

  /**
   * The ID of {@code namespace} with this hex form (validated by the caller) and, if it was made
   * from a name, that name ({@code null} otherwise).
   */
  public static DurableObjectId create(String namespace, String hex, String name) {
    Maker current = maker;
    if (current == null) {
      initialize();
      current = maker;
    }
    return current.make(namespace, hex, name);
  }

  // Loading DurableObjectId runs its static initializer, which registers the maker.
  private static void initialize() {
    try {
      Class.forName(DurableObjectId.class.getName(), true, DurableObjectId.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
