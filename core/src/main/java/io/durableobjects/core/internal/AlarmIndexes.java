package io.durableobjects.core.internal;

import io.durableobjects.core.spi.AlarmIndex;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * INTERNAL API: creates the {@link AlarmIndex} named by {@code durable-objects.alarms.index-class}.
 */
public final class AlarmIndexes {
  static final String KEY = "durable-objects.alarms.index-class";

  private AlarmIndexes() {}

  /**
   * The configured index, or an in-memory one when the key is absent or empty.
   *
   * @throws com.typesafe.config.ConfigException.BadValue if the class cannot be loaded or
   *     constructed
   */
  public static AlarmIndex create(ActorSystem<?> system) {
    return SpiImplementations.create(
        system, KEY, AlarmIndex.class, InMemoryAlarmIndex::new, "the alarms of evicted objects");
  }
}
