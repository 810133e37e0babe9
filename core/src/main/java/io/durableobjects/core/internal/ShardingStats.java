package io.durableobjects.core.internal;

import io.durableobjects.core.admin.ActiveObjects;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * INTERNAL API: the objects a namespace has in memory on each node, from Cluster Sharding's own
 * statistics ({@link GetClusterShardingStats}: every region counts its entities), for the admin
 * API. Each region has {@code timeout} to answer; the shards of those that do not are counted as
 * unanswered rather than failing the whole answer.
 */
final class ShardingStats {
  private final ActorSystem<?> system;
  private final Duration timeout;

  ShardingStats(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  CompletionStage<ActiveObjects> activeObjects(String namespace) {
    return AskPattern
        .<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
            ShardRegion.ClusterShardingStats>
            ask(
                ClusterSharding.get(system).shardState(),
                replyTo ->
                    new GetClusterShardingStats(
                        ShardedNamespace.typeKey(namespace), timeout, replyTo),
                // The regions have `timeout` to answer; the ask waits a little longer for the sum.
                timeout.plusSeconds(1),
                system.scheduler())
        .thenApply(stats -> toActive(namespace, stats));
  }

  private static ActiveObjects toActive(String namespace, ShardRegion.ClusterShardingStats stats) {
    Map<String, Integer> byNode = new TreeMap<>();
    int unanswered = 0;
    for (var region : stats.getRegions().entrySet()) {
      int count = 0;
      for (Object entities : region.getValue().getStats().values()) {
        count += ((Number) entities).intValue();
      }
      byNode.put(region.getKey().toString(), count);
      unanswered += region.getValue().getFailed().size();
    }
    return new ActiveObjects(namespace, byNode, unanswered);
  }
}
