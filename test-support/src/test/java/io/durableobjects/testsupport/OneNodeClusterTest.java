package io.durableobjects.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

class OneNodeClusterTest {
  @Test
  void startsANodeThatIsUpOnTheInMemoryJournalWithTheGivenConfigOnTop() {
    ActorTestKit node =
        OneNodeCluster.start(
            "one-node-cluster-test",
            ConfigFactory.parseString("pekko.loglevel = ERROR"),
            ConfigFactory.empty());
    try {
      assertThat(Cluster.get(node.system()).selfMember().status()).isEqualTo(MemberStatus.up());
      assertThat(node.system().settings().config().getString("pekko.persistence.journal.plugin"))
          .isEqualTo("pekko.persistence.testkit.journal");
      assertThat(node.system().settings().config().getString("pekko.loglevel")).isEqualTo("ERROR");
      assertThat(node.system().settings().config().getBoolean("pekko.actor.serialize-messages"))
          .isTrue();
    } finally {
      node.shutdownTestKit();
    }
  }
}
