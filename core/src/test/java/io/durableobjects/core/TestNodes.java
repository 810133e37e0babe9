package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.testsupport.OneNodeCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One-node clusters for the runtime's tests: the persistence testkit's in-memory journal and
 * snapshot store, every cross-node message through the serializer, joined and Up on return; and
 * what sharding says is active on them. The shared harness behind it is {@link OneNodeCluster}
 * (test-support), which the examples' tests use too.
 */
final class TestNodes {
  private TestNodes() {}

  /** Starts a node named {@code name} with {@code hocon} on top of the test defaults. */
  static ActorTestKit start(String name, String hocon) {
    return OneNodeCluster.start(name, ConfigFactory.parseString(hocon), ConfigFactory.empty());
  }

  /** The IDs of the objects of {@code namespace} active on this node, as sharding reports them. */
  static Set<String> activeObjects(ActorTestKit testKit, String namespace) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = testKit.createTestProbe();
    ClusterSharding.get(testKit.system())
        .shardState()
        .tell(new GetShardRegionState(ShardedNamespace.typeKey(namespace), probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage().getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  /** Waits until the object {@code id} of {@code namespace} is no longer active on this node. */
  static void awaitInactive(ActorTestKit testKit, String namespace, String id) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            Duration.ofMillis(20),
            () -> {
              assertThat(activeObjects(testKit, namespace)).as("active objects").doesNotContain(id);
              return null;
            });
  }
}
