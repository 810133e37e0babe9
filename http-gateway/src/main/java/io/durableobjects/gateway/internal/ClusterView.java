package io.durableobjects.gateway.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * INTERNAL API: the cluster's members as the node serving the admin API sees them ({@code GET
 * /admin/v1/cluster}). A function rather than the cluster itself, so that the route tests can run
 * without one.
 */
@FunctionalInterface
public interface ClusterView {

  /**
   * One member.
   *
   * @param address its address, {@code pekko://system@host:port}
   * @param status its membership status, in lowercase (joining, up, leaving, exiting, down, ...)
   * @param roles its roles, in order
   * @param dataCenter its data center
   * @param reachable whether this node's failure detector reaches it
   */
  record Member(
      String address, String status, List<String> roles, String dataCenter, boolean reachable) {
    public Member {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(status, "status");
      roles = List.copyOf(roles);
      Objects.requireNonNull(dataCenter, "dataCenter");
    }
  }

  /**
   * The members as one node sees them.
   *
   * @param self the address of this node
   * @param leader the leader's address, if there is one
   * @param members every member, in order of address
   */
  record State(String self, Optional<String> leader, List<Member> members) {
    public State {
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(leader, "leader");
      members = List.copyOf(members);
    }
  }

  State state();

  /** The view of {@code system}'s cluster (its provider must be {@code cluster}). */
  static ClusterView of(ActorSystem<?> system) {
    return () -> {
      Cluster cluster = Cluster.get(system);
      ClusterEvent.CurrentClusterState state = cluster.state();
      Set<org.apache.pekko.cluster.Member> unreachable = state.getUnreachable();
      List<Member> members = new ArrayList<>();
      for (org.apache.pekko.cluster.Member m : state.getMembers()) { // sorted by address
        members.add(
            new Member(
                m.address().toString(),
                m.status().toString().toLowerCase(java.util.Locale.ROOT),
                m.getRoles().stream().sorted().toList(),
                m.dataCenter(),
                !unreachable.contains(m)));
      }
      return new State(
          cluster.selfMember().address().toString(),
          Optional.ofNullable(state.getLeader()).map(Object::toString),
          members);
    };
  }
}
