package io.durableobjects.core.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INTERNAL API: creates the implementation of an SPI that a configuration key names: a public class
 * with a public constructor taking the node's {@code ActorSystem}.
 */
final class SpiImplementations {
  private static final Logger log = LoggerFactory.getLogger(SpiImplementations.class);

  private SpiImplementations() {}

  /**
   * The implementation named at {@code key}, or {@code fallback}'s (in memory, for tests) when the
   * key is absent or empty.
   *
   * @throws ConfigException.BadValue if the class cannot be loaded or constructed
   */
  static <T> T create(
      ActorSystem<?> system, String key, Class<T> spi, Supplier<T> fallback, String whatIsLost) {
    Config config = system.settings().config();
    String className = config.hasPath(key) ? config.getString(key).strip() : "";
    if (className.isEmpty()) {
      log.info(
          "No {} configured: the {} is kept in memory (tests only; it forgets {} on restart)",
          key,
          spi.getSimpleName(),
          whatIsLost);
      return fallback.get();
    }
    try {
      Class<?> type = Class.forName(className, true, SpiImplementations.class.getClassLoader());
      if (!spi.isAssignableFrom(type)) {
        throw new ConfigException.BadValue(
            key, "'" + className + "' does not implement " + spi.getName());
      }
      return spi.cast(type.getConstructor(ActorSystem.class).newInstance(system));
    } catch (ClassNotFoundException e) {
      throw new ConfigException.BadValue(key, "class '" + className + "' is not on the classpath");
    } catch (NoSuchMethodException e) {
      throw new ConfigException.BadValue(
          key, "'" + className + "' has no public constructor taking an ActorSystem");
    } catch (InvocationTargetException e) {
      throw new ConfigException.BadValue(
          key, "the constructor of '" + className + "' failed: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new ConfigException.BadValue(key, "cannot create '" + className + "': " + e, e);
    }
  }
}
