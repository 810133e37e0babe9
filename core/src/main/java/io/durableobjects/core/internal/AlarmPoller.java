package io.durableobjects.core.internal;

import io.durableobjects.core.internal.AlarmQuarantine.RowKey;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * INTERNAL API: reads the {@link AlarmIndex} for rows due soon and wakes their objects through
 * sharding, wherever they live (or start them). Runs as a cluster singleton: one per cluster, moved
 * to another node when its node leaves or dies.
 *
 * <p>It keeps in memory only the rows due within the lookahead that it woke recently, so that an
 * object is woken once per {@code wake-retry-interval} until its row is gone (an object fires its
 * alarm on its own timer, then removes the row). A row that stays means the object did not fire:
 * its node may have died, so it is woken again.
 *
 * <p>Rows that nothing handles (a namespace this node does not have, an object that does not start)
 * would fill every poll and starve the others: {@link AlarmQuarantine} moves them ahead, and the
 * next poll reads past them. Polls do not overlap, nor overlap those moves.
 */
public final class AlarmPoller extends AbstractBehavior<AlarmPoller.Command> {

  /** The poller's messages (all local). */
  public interface Command extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Polled(List<AlarmIndexEntry> rows, Throwable failure) implements Command {}

  private record Quarantined(List<RowKey> moved) implements Command {}

  private final AlarmIndex index;
  private final AlarmSettings settings;
  private final Set<String> namespaces;
  private final ClusterSharding sharding;
  private final Counter wakeups;
  private final Map<RowKey, Long> wokenAt = new HashMap<>();
  private final Set<String> unknownNamespacesLogged = new HashSet<>();
  private final AlarmQuarantine quarantine;
  private boolean polling;

  /** The poller's behavior; it polls every {@code settings.pollInterval()}. */
  public static Behavior<Command> create(
      AlarmIndex index, AlarmSettings settings, Set<String> namespaces, MeterRegistry registry) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.pollInterval());
                  ctx.getSelf().tell(Tick.INSTANCE); // at once: alarms that fell due while down
                  return new AlarmPoller(ctx, index, settings, namespaces, registry);
                }));
  }

  private AlarmPoller(
      ActorContext<Command> context,
      AlarmIndex index,
      AlarmSettings settings,
      Set<String> namespaces,
      MeterRegistry registry) {
    super(context);
    this.index = index;
    this.settings = settings;
    this.namespaces = Set.copyOf(namespaces);
    this.sharding = ClusterSharding.get(context.getSystem());
    this.wakeups = AlarmPollerMetrics.wakeups(registry);
    // Its own logger: the moves log from the index's threads, where the context's must not be used.
    this.quarantine =
        new AlarmQuarantine(
            index, settings, registry, org.slf4j.LoggerFactory.getLogger(AlarmPoller.class));
    context.getLog().info("Alarm poller started on this node");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Polled.class, this::onPolled)
        .onMessage(Quarantined.class, this::onQuarantined)
        .build();
  }

  private Behavior<Command> onTick() {
    if (polling) {
      return this; // the previous read has not answered yet
    }
    polling = true;
    Instant upTo = Instant.now().plus(settings.lookahead());
    CompletionStage<List<AlarmIndexEntry>> due;
    try {
      due = index.due(upTo, settings.pollLimit());
    } catch (RuntimeException e) {
      due = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    ActorRef<Command> self = getContext().getSelf();
    due.whenComplete((rows, failure) -> self.tell(new Polled(rows, failure)));
    return this;
  }

  private Behavior<Command> onPolled(Polled polled) {
    polling = false;
    if (polled.failure() != null) {
      getContext().getLog().warn("Could not read the alarm index: {}", polled.failure().toString());
      return this;
    }
    long now = System.currentTimeMillis();
    long retryMillis = settings.wakeRetryInterval().toMillis();
    Set<RowKey> seen = new HashSet<>(polled.rows().size() * 2);
    List<AlarmIndexEntry> stuck = new ArrayList<>();
    for (AlarmIndexEntry row : polled.rows()) {
      RowKey key = RowKey.of(row);
      seen.add(key);
      boolean known = namespaces.contains(row.namespace());
      if (quarantine.isStuck(key, known, now)) {
        stuck.add(row);
        continue;
      }
      Long last = wokenAt.get(key);
      if (last != null && now - last < retryMillis) {
        continue;
      }
      if (!known) {
        if (unknownNamespacesLogged.add(row.namespace())) {
          getContext()
              .getLog()
              .warn(
                  "The alarm index has rows of namespace '{}', which this node does not have; they"
                      + " are quarantined if they stay (durable-objects.alarms.quarantine-after)",
                  row.namespace());
        }
        continue;
      }
      wokenAt.put(key, now);
      wakeups.increment();
      sharding
          .entityRefFor(ShardedNamespace.typeKey(row.namespace()), row.id())
          .tell(new ObjectCommand.WakeForAlarms(row.name().orElse(null), key.dueMillis()));
    }
    // Rows no longer due-and-present were handled: forget them (memory only for rows due soon).
    wokenAt.keySet().retainAll(seen);
    quarantine.retain(seen, now);
    if (!stuck.isEmpty()) {
      polling = true; // the next poll reads past them once they are moved
      ActorRef<Command> self = getContext().getSelf();
      quarantine
          .quarantine(stuck, now)
          .whenComplete(
              (moved, failure) -> self.tell(new Quarantined(moved == null ? List.of() : moved)));
    }
    return this;
  }

  private Behavior<Command> onQuarantined(Quarantined quarantined) {
    polling = false;
    quarantine.moved(quarantined.moved());
    return this;
  }
}
