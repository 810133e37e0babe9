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
 * INTERNAL API: whether this node is in a failover, that is whether a cluster member is unreachable
 * now (a volatile read of the cluster's current state, cheap enough for every call), or a downed
 * member was removed within the last {@code window}, while sharding starts its objects elsewhere.
 * Members that left gracefully do not count: their objects were handed over.
 */
public final class ClusterReachability {
  private final Cluster cluster;
  private final long windowNanos;
  private volatile long lastDownedRemovalNanos;
  private volatile String lastDownedRemoved;

  private ClusterReachability(ActorSystem<?> system, Duration window) {
    this.cluster = Cluster.get(system);
    this.windowNanos = window.toNanos();
  }

  /** Starts watching the cluster of {@code system}; removals count for {@code window}. */
  public static ClusterReachability start(ActorSystem<?> system, Duration window) {
    ClusterReachability reachability = new ClusterReachability(system, window);
    Behavior<ClusterEvent.MemberRemoved> listener =
        Behaviors.receiveMessage(
            removed -> {
              if (removed.previousStatus() == MemberStatus.down()) {
                reachability.lastDownedRemoved = removed.member().address().toString();
                reachability.lastDownedRemovalNanos = System.nanoTime();
              }
              return Behaviors.same();
            });
    var ref = system.systemActorOf(listener, "durable-objects-removals", Props.empty());
    reachability.cluster.subscriptions().tell(Subscribe.create(ref, ClusterEvent.MemberRemoved.class));
    return reachability;
  }

  /**
   * The nodes this failover is about, comma-separated (the unreachable members, or the downed
   * member removed recently), or null when there is no failover.
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
    if (removed != null && System.nanoTime() - lastDownedRemovalNanos < windowNanos) {
      return removed + " (downed)";
    }
    return null;
  }
}
