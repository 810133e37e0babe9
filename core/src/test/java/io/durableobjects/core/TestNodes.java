package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * One-node clusters for the runtime's tests: the persistence testkit's in-memory journal and
 * snapshot store, every cross-node message through the serializer, joined and Up on return.
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
}
