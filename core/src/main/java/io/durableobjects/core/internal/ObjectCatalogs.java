package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.durableobjects.core.spi.ObjectCatalog;
import java.lang.reflect.InvocationTargetException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** INTERNAL API: creates the {@link ObjectCatalog} named by {@code durable-objects.catalog.class}. */
public final class ObjectCatalogs {
  private static final Logger log = LoggerFactory.getLogger(ObjectCatalogs.class);
  static final String KEY = "durable-objects.catalog.class";

  private ObjectCatalogs() {}

  /**
   * The configured catalog, or an in-memory one when the key is absent or empty.
   *
   * @throws ConfigException.BadValue if the class cannot be loaded or constructed
   */
  public static ObjectCatalog create(ActorSystem<?> system) {
    Config config = system.settings().config();
    String className = config.hasPath(KEY) ? config.getString(KEY).strip() : "";
    if (className.isEmpty()) {
      log.info(
          "No {} configured: the object catalog is kept in memory (tests only; it forgets on restart)",
          KEY);
      return new InMemoryObjectCatalog();
    }
    try {
      Class<?> type = Class.forName(className, true, ObjectCatalogs.class.getClassLoader());
      if (!ObjectCatalog.class.isAssignableFrom(type)) {
        throw new ConfigException.BadValue(
            KEY, "'" + className + "' does not implement " + ObjectCatalog.class.getName());
      }
      return (ObjectCatalog) type.getConstructor(ActorSystem.class).newInstance(system);
    } catch (ClassNotFoundException e) {
      throw new ConfigException.BadValue(KEY, "class '" + className + "' is not on the classpath");
    } catch (NoSuchMethodException e) {
      throw new ConfigException.BadValue(
          KEY, "'" + className + "' has no public constructor taking an ActorSystem");
    } catch (InvocationTargetException e) {
      throw new ConfigException.BadValue(
          KEY, "the constructor of '" + className + "' failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ConfigException.BadValue(KEY, "cannot create '" + className + "': " + e, e);
    }
  }
}
