package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.internal.AlarmSettings;
import io.durableobjects.core.internal.DurableObjectsSettings;
import io.durableobjects.core.internal.IdempotencySettings;
import io.durableobjects.core.internal.NamespaceSettings;
import io.durableobjects.core.internal.NodeServices;
import io.durableobjects.core.internal.ObjectMetrics;
import io.durableobjects.core.internal.SnapshotPolicy;
import io.durableobjects.core.internal.rpc.RpcDispatch;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * INTERNAL API: the object actor, one per object ID, run as a Cluster Sharding entity.
 *
 * <p>It owns the user's object instance, the input gate, the working state (committed state plus
 * writes not yet durable) and the output gate; its child {@link ObjectJournal} recovers the durable
 * state and persists batches of transactions. The actor moves through phases, one behaviour each,
 * the way Pekko's {@code EventSourcedBehavior} moves from replaying to running:
 *
 * <ol>
 *   <li>{@link Recovering}: the journal child replays the committed state; calls wait (stash).
 *   <li>{@link Activating}: the object's constructor ran and its {@code blockConcurrencyWhile}
 *       stages are pending; calls wait.
 *   <li>{@link Running}: one call at a time through the {@link InputGate} (its asynchronous
 *       continuation included), replies held by the {@link OutputGate} until the batch that holds
 *       the writes they may have seen is durable. Before the first call after a recovery it holds
 *       no instance yet: the first call creates it (it may bring the object's name).
 *   <li>{@link Stopping}: sharding asked to passivate; it finishes what it started and what waits,
 *       then stops.
 *   <li>{@link Broken}: the object cannot start (recovery, its constructor or its initialisation
 *       failed); every call gets that error until sharding stops it.
 * </ol>
 *
 * <p>A journal failure fails every reply that waits on a write with a retryable error and goes back
 * to {@link Recovering}, so nothing that was not durable is ever visible afterwards. A call that
 * does not complete within the request timeout fails with 504; its writes are dropped and the
 * instance is replaced ({@link Activating} again).
 *
 * <p>What the phases share is one {@link EntityContext} (configuration and collaborators), the
 * {@link WorkingState} of the current journal incarnation and the {@link ObjectInstance}; each kind
 * of call has its handler ({@link RequestHandler}, {@link AlarmDelivery}, {@link
 * SocketEventHandler}, {@link AdminHandler}), run by the {@link CallRunner}.
 */
public final class ObjectEntity {

  /**
   * What an entity needs beyond its ID, as a few objects: its namespace, the node's settings and
   * services, and what all entities of the namespace share (the RPC dispatch and the meters, built
   * once per namespace by {@link #of}). The phases read it through the accessors below, so that the
   * parts of the node's settings and services they use are named in one place.
   *
   * @param clock wall time: alarm due times, idempotency retention, commit times; timeouts and
   *     timers use the actor system's scheduler instead
   * @param snapshots the node's snapshot policy; in a namespace that keeps history, snapshots
   *     delete neither events nor older snapshots (the {@code HistoryPruner} does, past the
   *     retention)
   */
  public record Config(
      NamespaceSettings namespace,
      DurableObjectsSettings settings,
      NodeServices services,
      RpcDispatch rpc,
      ObjectMetrics metrics,
      Clock clock,
      SnapshotPolicy snapshots) {

    /** The configuration of the entities of {@code namespace}, on the system clock. */
    public static Config of(
        NamespaceSettings namespace, DurableObjectsSettings settings, NodeServices services) {
      return of(namespace, settings, services, Clock.systemUTC());
    }

    /** The configuration of the entities of {@code namespace}, on {@code clock} (tests' own). */
    public static Config of(
        NamespaceSettings namespace,
        DurableObjectsSettings settings,
        NodeServices services,
        Clock clock) {
      return new Config(
          namespace,
          settings,
          services,
          new RpcDispatch(services.mapper()),
          new ObjectMetrics(services.registry(), namespace.name()),
          clock,
          namespace.history().enabled()
              ? settings.snapshots().keepingHistory()
              : settings.snapshots());
    }

    ValueCodec codec() {
      return services.codec();
    }

    Supplier<DurableObjects> env() {
      return services.env();
    }

    ObjectCatalog catalog() {
      return services.catalog();
    }

    AlarmIndex alarmIndex() {
      return services.alarmIndex();
    }

    String journalPluginId() {
      return settings.journalPluginId();
    }

    String snapshotPluginId() {
      return settings.snapshotPluginId();
    }

    int stashCapacity() {
      return settings.stashCapacity();
    }

    /** The object actor's limits in bytes: its journal writes and its waiting calls. */
    io.durableobjects.core.internal.EntityLimits limits() {
      return settings.entityLimits();
    }

    /** How long a call may run (and an activation take) before it fails with 504. */
    Duration requestTimeout() {
      return settings.requestTimeout();
    }

    long maxResponseBytes() {
      return settings.maxResponseBytes();
    }

    IdempotencySettings idempotency() {
      return settings.idempotency();
    }

    AlarmSettings alarms() {
      return settings.alarms();
    }

    ObjectSockets.Limits socketLimits() {
      return settings.webSockets();
    }

    AlarmRules alarmRules() {
      return new AlarmRules(
          namespace.objectClass().getName(), namespace.handlesAlarms(), alarms().maxPerObject());
    }
  }

  /** The most key and value bytes one inspection page holds (beyond its first entry). */
  static final long INSPECT_PAGE_BYTES = 96 * 1024;

  private ObjectEntity() {}

  /**
   * The behaviour of the object {@code hex}: it starts {@link Recovering}.
   *
   * @param shard the shard that runs it, asked to passivate it when it cannot start
   */
  public static Behavior<ObjectCommand> create(
      Config config,
      PersistenceId persistenceId,
      String hex,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        actor ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        config.stashCapacity(),
                        stash -> {
                          config.metrics().started();
                          EntityContext ctx =
                              new EntityContext(
                                  config, persistenceId, hex, actor, timers, stash, shard);
                          return Recovering.start(ctx, false);
                        })));
  }
}
