package io.durableobjects.core.admin;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How many objects of one namespace are in memory, cluster-wide, by node, as Cluster Sharding
 * counts its entities ({@link ObjectAdmin#activeObjects}).
 *
 * @param namespace the namespace
 * @param byNode the node's address ({@code pekko://system@host:port}) to its number of active
 *     objects, for every node that answered, in order of address
 * @param unansweredShards the number of shards whose region did not answer in time: when not 0, the
 *     counts are a lower bound
 */
public record ActiveObjects(String namespace, Map<String, Integer> byNode, int unansweredShards) {
  public ActiveObjects {
    Objects.requireNonNull(namespace, "namespace");
    byNode = Map.copyOf(byNode);
  }

  /** The nodes' counts, in order of address. */
  public Map<String, Integer> sortedByNode() {
    return new TreeMap<>(byNode);
  }

  /** The objects active on all nodes that answered. */
  public int total() {
    return byNode.values().stream().mapToInt(Integer::intValue).sum();
  }
}
