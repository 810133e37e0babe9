package io.durableobjects.core.internal;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * INTERNAL API: one composite meter registry per actor system, separate from the {@code
 * DurableObjects} extension so that exporters can be added before the runtime registers its meters
 * (Micrometer does not replay earlier recordings into a registry added later).
 */
public final class MeterRegistries implements Extension {
  private static final ExtensionId<MeterRegistries> ID =
      new ExtensionId<>() {
        @Override
        public MeterRegistries createExtension(ActorSystem<?> system) {
          return new MeterRegistries();
        }
      };

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

  public static CompositeMeterRegistry of(ActorSystem<?> system) {
    return ID.apply(system).registry;
  }
}
