package io.durableobjects.core.internal;

import io.durableobjects.core.spi.ObjectCatalog;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * INTERNAL API: creates the {@link ObjectCatalog} named by {@code durable-objects.catalog.class}.
 */
public final class ObjectCatalogs {
  static final String KEY = "durable-objects.catalog.class";

  private ObjectCatalogs() {}

  /**
   * The configured catalog, or an in-memory one when the key is absent or empty.
   *
   * @throws com.typesafe.config.ConfigException.BadValue if the class cannot be loaded or
   *     constructed
   */
  public static ObjectCatalog create(ActorSystem<?> system) {
    return SpiImplementations.create(
        system, KEY, ObjectCatalog.class, InMemoryObjectCatalog::new, "its entries");
  }
}
