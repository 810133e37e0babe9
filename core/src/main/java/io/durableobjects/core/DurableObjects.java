package io.durableobjects.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.internal.AlarmIndexes;
import io.durableobjects.core.internal.AlarmPoller;
import io.durableobjects.core.internal.ClusterReachability;
import io.durableobjects.core.internal.DurableObjectsSettings;
import io.durableobjects.core.internal.MeterRegistries;
import io.durableobjects.core.internal.NamespaceAdmin;
import io.durableobjects.core.internal.NodeServices;
import io.durableobjects.core.internal.ObjectCaller;
import io.durableobjects.core.internal.ObjectCatalogs;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.internal.history.HistoryPruner;
import io.durableobjects.core.internal.history.HistoryPruning;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.JournalHistory;
import io.durableobjects.core.internal.storage.StorageSettings;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.ObjectCatalog;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * The entry point to the objects of a node: a Pekko extension that starts Cluster Sharding for
 * every namespace configured under {@code durable-objects.namespaces} and hands out {@link
 * DurableObjectNamespace}s.
 *
 * <pre>{@code
 * DurableObjectNamespace counters = DurableObjects.get(system).namespace("counter");
 * counters.get(counters.idFromName("a")).fetch(Request.of("POST", "/increment"));
 * }</pre>
 *
 * <p>The first call to {@link #get} validates the configuration and fails with a {@link
 * com.typesafe.config.ConfigException} that names the bad key (an unknown class, a class that is
 * not a {@link DurableObject}, a missing constructor) before any object runs.
 */
public final class DurableObjects implements Extension {

  private static final ExtensionId<DurableObjects> ID =
      new ExtensionId<>() {
        @Override
        public DurableObjects createExtension(ActorSystem<?> system) {
          return new DurableObjects(system);
        }
      };

  private final Map<String, DurableObjectNamespace> namespaces;
  private final CompositeMeterRegistry meterRegistry;
  private final ObjectAdmin admin;
  private final com.typesafe.config.Config config;

  private DurableObjects(ActorSystem<?> system) {
    this.config = system.settings().config();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = DurableObjects.class.getClassLoader();
    }
    DurableObjectsSettings settings =
        DurableObjectsSettings.fromConfig(system.settings().config(), loader);
    // Values are stored as JSON with Pekko's configured mapper (Java time, Optional, records).
    ObjectMapper mapper =
        JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
    ValueCodec codec =
        new ValueCodec(mapper, StorageSettings.fromConfig(system.settings().config()));
    this.meterRegistry = MeterRegistries.of(system);
    ObjectCatalog catalog = ObjectCatalogs.create(system);
    AlarmIndex alarmIndex = AlarmIndexes.create(system);
    Map<String, DurableObjectNamespace> byName = new TreeMap<>();
    Map<String, String> classes = new TreeMap<>();
    // A downed node's objects restart elsewhere after the resolver's removal margin (at most
    // stable-after, below ask-timeout): calls in that window are failover calls too.
    ClusterReachability reachability = ClusterReachability.start(system, settings.askTimeout());
    NodeServices services =
        new NodeServices(
            codec,
            mapper,
            () -> this,
            catalog,
            alarmIndex,
            meterRegistry,
            new ObjectCaller(
                system, reachability, settings.askTimeout(), settings.unreachableAskTimeout()));
    // One reader of the journal beside the running objects: feeds, history, the pruner.
    JournalEvents journal =
        new JournalEvents(
            system, settings.journalPluginId(), settings.snapshotPluginId(), settings.askTimeout());
    settings
        .namespaces()
        .values()
        .forEach(
            ns -> {
              byName.put(
                  ns.name(), ShardedNamespace.start(system, ns, settings, services, journal));
              classes.put(ns.name(), ns.objectClass().getName());
            });
    this.namespaces = Collections.unmodifiableMap(byName);
    this.admin =
        new NamespaceAdmin(namespaces, classes, catalog, journal, system, settings.askTimeout());
    // One job in the cluster deletes history past each namespace's retention (a cluster singleton).
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(
                        HistoryPruner.create(
                            List.copyOf(settings.namespaces().values()),
                            catalog,
                            new HistoryPruning(
                                journal,
                                new JournalHistory(
                                    system,
                                    settings.journalPluginId(),
                                    settings.snapshotPluginId(),
                                    settings.askTimeout())),
                            system
                                .settings()
                                .config()
                                .getDuration("durable-objects.history.prune-interval"),
                            Clock.systemUTC()))
                    .onFailure(SupervisorStrategy.restart()),
                "durable-objects-history-pruner"));
    // One poller in the cluster wakes the objects whose alarms are due (a cluster singleton).
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(
                        AlarmPoller.create(
                            alarmIndex, settings.alarms(), namespaces.keySet(), meterRegistry))
                    .onFailure(SupervisorStrategy.restart()),
                "durable-objects-alarm-poller"));
  }

  /** The extension of this actor system, started on first use. */
  public static DurableObjects get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * The namespace of this name.
   *
   * @throws UnknownNamespaceException if it is not configured
   */
  public DurableObjectNamespace namespace(String name) {
    DurableObjectNamespace namespace = namespaces.get(name);
    if (namespace == null) {
      throw new UnknownNamespaceException(name, namespaces.keySet());
    }
    return namespace;
  }

  /** The node's configuration (objects read it through {@link DurableObjectEnv#config()}). */
  public com.typesafe.config.Config config() {
    return config;
  }

  /** Operator access to the objects: listing, inspection, deletion. */
  public ObjectAdmin admin() {
    return admin;
  }

  /**
   * The registry the runtime's meters are registered in (objects active, activations, journal
   * writes, batch sizes, evictions). Add a registry to it (for example a Prometheus one) to export
   * them; meters registered earlier are added to it too, but count only from then on.
   */
  public CompositeMeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * The registry the runtime of {@code system} registers its meters in, available before the
   * runtime starts: add exporting registries here before the first {@link #get} so that they count
   * from the start.
   */
  public static CompositeMeterRegistry meterRegistry(ActorSystem<?> system) {
    return MeterRegistries.of(system);
  }

  /** The names of all configured namespaces, sorted. */
  public Set<String> namespaceNames() {
    return namespaces.keySet();
  }
}
