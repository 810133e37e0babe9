package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The detector of {@link SingletonProbe} sees a second live instance. Two one-node clusters in this
 * JVM that do not know each other are a split brain: each runs its own instance of the same object.
 * Serving from the old, the new and the old instance again is flagged, and both clusters answer the
 * same count for different increments, which the churn test's count check rejects.
 */
class SingletonProbeTest {

  @Test
  void twoLiveInstancesOfOneObjectAreDetected() throws Exception {
    var probe =
        ConfigFactory.parseString(
            "durable-objects.namespaces.probe.class = \"io.durableobjects.examples.SingletonProbe\"");
    String name = "split-" + UUID.randomUUID();
    try (ExampleNode left = new ExampleNode("left", probe);
        ExampleNode right = new ExampleNode("right", probe)) {
      Request increment = Request.of("POST", "/increment");
      Response first = left.call("probe", name, increment);
      Response second = right.call("probe", name, increment);
      SingletonProbe.Ledger ledger =
          SingletonProbe.ledger(left.namespace("probe").idFromName(name).toString());
      assertThat(ledger.staleServes()).isEmpty(); // the newer instance serving is not wrong yet

      left.call("probe", name, increment); // ...but the older one serving again is

      assertThat(ledger.activations()).isEqualTo(2);
      assertThat(ledger.maxConcurrentInstances()).isEqualTo(2);
      assertThat(ledger.staleServes()).hasSize(1);
      assertThat(first.bodyText()).isEqualTo("1").isEqualTo(second.bodyText());
      assertThat(first.header("Instance")).isNotEqualTo(second.header("Instance"));
    }
  }
}
