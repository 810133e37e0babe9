package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.ObjectMetrics;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.slf4j.Logger;

/**
 * INTERNAL API: what every phase of one object actor shares, for the actor's whole life: its
 * configuration, identity and clock, and the collaborators that outlive a phase (the gates, the
 * journal child, alarm delivery and the alarm index, the sockets' connections, the catalog). The
 * references never change; the collaborators keep their own state.
 */
final class EntityContext {
  final ObjectEntity.Config config;
  final ObjectIdentity identity;
  final ActorContext<ObjectCommand> actor;
  final ActorRef<ClusterSharding.ShardCommand> shard;
  final Logger log;
  final Clock clock;
  final ObjectMetrics metrics;

  final JournalLink journal;
  final InputGate input;
  final OutputGate output;
  final AlarmIndexKeeper alarmIndex;
  final AlarmDelivery alarms;
  final ObjectExpiry expiry;
  final SocketWatch sockets;
  final ChangeSubscribers feed;
  final CatalogRecorder catalog;
  final CallRunner calls;

  private final long startNanos = System.nanoTime();

  /** When this activation (the actor) started, for operators: the wall clock, epoch millis. */
  final long startedMillis;

  private final AtomicBoolean activatedOnce = new AtomicBoolean();

  EntityContext(
      ObjectEntity.Config config,
      PersistenceId persistenceId,
      String hex,
      ActorContext<ObjectCommand> actor,
      TimerScheduler<ObjectCommand> timers,
      StashBuffer<ObjectCommand> stash,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    this.config = config;
    this.identity = new ObjectIdentity(config.namespace().name(), hex, persistenceId);
    this.actor = actor;
    this.shard = shard;
    actor.setLoggerName(ObjectEntity.class); // the phases log as the entity always did
    this.log = actor.getLog();
    this.clock = config.clock();
    this.startedMillis = clock.millis();
    this.metrics = config.metrics();
    this.journal = new JournalLink(actor, persistenceId, config);
    this.input =
        new InputGate(
            stash,
            config.limits().maxWaitingBytes(),
            timers,
            actor.getSelf(),
            config.requestTimeout());
    this.output = new OutputGate(config.limits().maxBatchBytes());
    this.alarmIndex =
        new AlarmIndexKeeper(
            config.alarmIndex(),
            config.namespace().name(),
            hex,
            actor.getSelf(),
            actor.getSystem(),
            log,
            config.alarms(),
            metrics);
    this.expiry = new ObjectExpiry(config.namespace().expireAfterIdle(), clock, metrics, log, hex);
    this.alarms =
        new AlarmDelivery(
            config.alarms(),
            timers,
            clock,
            metrics,
            log,
            hex,
            actor.getSystem().<FetchReply>ignoreRef(),
            expiry);
    this.sockets = new SocketWatch(actor);
    this.feed = new ChangeSubscribers(this);
    this.catalog =
        new CatalogRecorder(config.catalog(), config.namespace().name(), hex, clock, log);
    this.calls = new CallRunner(this);
  }

  String hex() {
    return identity.hex();
  }

  ActorRef<ObjectCommand> self() {
    return actor.getSelf();
  }

  /** Whether nothing is running, waiting or being written: a stopping object may stop now. */
  boolean idle() {
    return !input.busy() && !input.hasWaiting() && output.isIdle() && !alarmIndex.busy();
  }

  /** Records the time to the first activation, once. */
  void activated() {
    if (activatedOnce.compareAndSet(false, true)) {
      metrics.activated(startNanos);
    }
  }

  /** The actor stopped (PostStop), in whatever phase. */
  void stopped() {
    metrics.stopped();
    output.stopped();
  }
}
