package io.durableobjects.core.internal;

import java.time.Duration;
import java.util.Set;
import java.util.StringJoiner;
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
 * state (a volatile read, cheap enough for every call) and from recent removals.
 *
 * <ul>
 *   <li>A <i>failover</i>: a member is unreachable, or a downed member was removed within the last
 *       {@code window}, while sharding starts its objects elsewhere. Calls to its objects are lost.
 *   <li>A <i>hand-over</i>: a member is leaving (or left within the last {@code window}). Sharding
 *       hands its objects over; a call that reaches the leaving node's region just as an object's
 *       hand-over begins is dropped by Pekko ("to avoid re-ordering") and never answered.
 * </ul>
 */
public final class ClusterReachability {
  private final Cluster cluster;
  private final long windowNanos;
  private volatile long lastDownedRemovalNanos;
  private volatile String lastDownedRemoved;
  private volatile long lastRemovalNanos;
  private volatile String lastRemoved;

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
              reachability.lastRemoved = removed.member().address().toString();
              reachability.lastRemovalNanos = System.nanoTime();
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

  /**
   * The nodes a hand-over is about (leaving members, or the member removed recently),
   * comma-separated, or null when no member is leaving.
   */
  public String leavingNodes() {
    StringJoiner leaving = new StringJoiner(", ");
    for (Member member : cluster.state().getMembers()) { // a handful of members
      if (member.status() == MemberStatus.leaving() || member.status() == MemberStatus.exiting()) {
        leaving.add(member.address().toString());
      }
    }
    if (leaving.length() > 0) {
      return leaving.toString();
    }
    String removed = lastRemoved;
    if (removed != null && System.nanoTime() - lastRemovalNanos < windowNanos) {
      return removed + " (left)";
    }
    return null;
  }
}
