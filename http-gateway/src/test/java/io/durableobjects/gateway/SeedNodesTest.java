package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import io.durableobjects.gateway.internal.SeedNodes;
import org.junit.jupiter.api.Test;

/** DO_SEED_NODES: remoting addresses become cluster addresses; bad entries are named. */
class SeedNodesTest {

  @Test
  void entriesBecomeClusterAddresses() {
    assertThat(SeedNodes.parse("127.0.0.1:2551, node-2.local:2552,", "durable-objects"))
        .containsExactly(
            "pekko://durable-objects@127.0.0.1:2551", "pekko://durable-objects@node-2.local:2552");
    assertThat(SeedNodes.parse("[::1]:2551", "x")).containsExactly("pekko://x@[::1]:2551");
  }

  @Test
  void badEntriesAreRefusedWithTheVariableAndEntryNamed() {
    for (String bad :
        new String[] {"127.0.0.1", ":2551", "host:0", "host:70000", "host:port", "a b:1"}) {
      assertThatThrownBy(() -> SeedNodes.parse(bad, "durable-objects"))
          .isInstanceOf(ConfigException.BadValue.class)
          .hasMessageContaining("DO_SEED_NODES")
          .hasMessageContaining("'" + bad + "' is not host:port");
    }
  }
}
