package io.durableobjects.testsupport;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * One-node clusters for unit tests of objects and of the runtime: an {@link ActorTestKit} whose
 * system is a cluster of itself, on the persistence testkit's in-memory journal and snapshot store,
 * with every message through the serializer (as if it crossed nodes), joined and Up on return. The
 * testkit's own timeouts follow {@code pekko.actor.testkit.typed.timefactor}, which the root POM
 * sets from {@link TimeFactor#PROPERTY}.
 */
public final class OneNodeCluster {
  private static final Config BASE =
      ConfigFactory.parseString(
          """
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
          pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
          pekko.loglevel = WARNING
          pekko.actor.serialize-messages = on
          """);
  private static final Duration UP_WITHIN = Duration.ofSeconds(10);

  private OneNodeCluster() {}

  /**
   * Starts a node named {@code name}: {@code config} over the test defaults above, over the
   * in-memory journal's configuration, over {@code fallback} (e.g. {@code ConfigFactory.load()}, or
   * an empty configuration for the testkit's own defaults).
   */
  public static ActorTestKit start(String name, Config config, Config fallback) {
    ActorTestKit testKit =
        ActorTestKit.create(
            name,
            config
                .withFallback(BASE)
                .withFallback(PersistenceTestKitPlugin.getInstance().config())
                .withFallback(PersistenceTestKitSnapshotPlugin.config())
                .withFallback(fallback));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    testKit
        .createTestProbe()
        .awaitAssert(
            UP_WITHIN,
            () -> {
              if (cluster.selfMember().status() != MemberStatus.up()) {
                throw new AssertionError(
                    "the node is " + cluster.selfMember().status() + ", not Up");
              }
              return null;
            });
    return testKit;
  }
}
