package io.durableobjects.core.internal;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * INTERNAL API: whether objects may be moving between nodes now, read from the cluster's current
 * state (a volatile read, cheap enough for every call) and from recent membership events.
 *
 * <ul>
 *   <li>A <i>failover</i>: a member is unreachable, or a downed member was removed within the last
 *       {@code failoverWindow}, while sharding starts its objects elsewhere. Calls to its objects
 *       are lost until then.
 *   <li>A <i>hand-over</i>: a member joined, left or was removed within the last {@link
 *       #HAND_OVER_WINDOW}. Sharding moves objects (to a leaving node's successors, or to a new
 *       node when it rebalances), and Pekko drops a call that reaches a region just as its object's
 *       hand-over begins ("to avoid re-ordering"): that call is never answered.
 * </ul>
 */
public final class ClusterReachability {
  /** How long after a membership change objects may still be moving (rebalancing is gradual). */
  static final Duration HAND_OVER_WINDOW = Duration.ofSeconds(60);

  private final Cluster cluster;
  private final long failoverWindowNanos;
  private volatile long lastDownedRemovalNanos;
  private volatile String lastDownedRemoved;
  private volatile long lastChangeNanos;
  private volatile String lastChange;

  private ClusterReachability(ActorSystem<?> system, Duration failoverWindow) {
    this.cluster = Cluster.get(system);
    this.failoverWindowNanos = failoverWindow.toNanos();
  }

  /**
   * Starts watching the cluster of {@code system}; downed removals count for {@code
   * failoverWindow}.
   */
  public static ClusterReachability start(ActorSystem<?> system, Duration failoverWindow) {
    ClusterReachability reachability = new ClusterReachability(system, failoverWindow);
    Behavior<ClusterEvent.MemberEvent> listener =
        Behaviors.receiveMessage(
            event -> {
              reachability.observe(event);
              return Behaviors.same();
            });
    var ref = system.systemActorOf(listener, "durable-objects-membership", Props.empty());
    reachability
        .cluster
        .subscriptions()
        .tell(Subscribe.create(ref, ClusterEvent.MemberEvent.class));
    return reachability;
  }

  private void observe(ClusterEvent.MemberEvent event) {
    String node = event.member().address().toString();
    long now = System.nanoTime();
    if (event instanceof ClusterEvent.MemberRemoved removed
        && removed.previousStatus() == MemberStatus.down()) {
      lastDownedRemoved = node;
      lastDownedRemovalNanos = now;
    }
    lastChange = node + " (" + event.member().status() + ")";
    lastChangeNanos = now;
  }

  /**
   * The nodes a failover is about (the unreachable members, or the downed member removed recently),
   * comma-separated, or null when there is no failover.
   */
  public String failingNodes() {
    Set<Member> unreachable = cluster.state().getUnreachable();
    if (!unreachable.isEmpty()) {
      return unreachable.stream()
          .map(member -> member.address().toString())
          .sorted()
          .collect(Collectors.joining(", "));
    }
    String removed = lastDownedRemoved;
    if (removed != null && System.nanoTime() - lastDownedRemovalNanos < failoverWindowNanos) {
      return removed + " (downed)";
    }
    return null;
  }

  /**
   * The last membership change, if within {@link #HAND_OVER_WINDOW} (objects may be moving), or
   * null.
   */
  public String recentChange() {
    String change = lastChange;
    if (change != null && System.nanoTime() - lastChangeNanos < HAND_OVER_WINDOW.toNanos()) {
      return change;
    }
    return null;
  }
}
