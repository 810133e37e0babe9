package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.internal.ShardedNamespace;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * One-node clusters for the runtime's tests: the persistence testkit's in-memory journal and
 * snapshot store, every cross-node message through the serializer, joined and Up on return; and
 * what sharding says is active on them.
 */
final class TestNodes {
  private static final String BASE =
      """
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
      pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
      pekko.loglevel = WARNING
      pekko.actor.serialize-messages = on
      """;

  private TestNodes() {}

  /** Starts a node named {@code name} with {@code hocon} on top of the test defaults. */
  static ActorTestKit start(String name, String hocon) {
    ActorTestKit testKit =
        ActorTestKit.create(
            name,
            ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.parseString(BASE))
                .withFallback(PersistenceTestKitPlugin.getInstance().config())
                .withFallback(PersistenceTestKitSnapshotPlugin.config()));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
              return null;
            });
    return testKit;
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
