package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idle eviction and the cap on active objects: eviction is invisible to callers. */
class PassivationTest {
  private static ActorTestKit testKit;
  private static DurableObjectNamespace counters;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "PassivationTest",
            """
                    pekko.cluster.sharding.number-of-shards = 1
                    durable-objects.passivation.idle-timeout = 500ms
                    durable-objects.passivation.active-object-limit = 3
                    durable-objects.namespaces.counter.class = "%s"
                    """
                        .formatted(DurableObjectsTest.TestCounter.class.getName()));
    counters = DurableObjects.get(testKit.system()).namespace("counter");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static String call(DurableObjectStub stub, String method, String path) throws Exception {
    return stub.fetch(Request.of(method, path)).toCompletableFuture().get(10, TimeUnit.SECONDS).bodyText();
  }

  /** The IDs of the objects active on this node, as sharding reports them. */
  private static Set<String> activeObjects() {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = testKit.createTestProbe();
    EntityTypeKey<?> key =
        EntityTypeKey.create(
            io.durableobjects.core.internal.entity.ObjectCommand.class, "durable-object-counter");
    ClusterSharding.get(testKit.system())
        .shardState()
        .tell(new GetShardRegionState(key, probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage().getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  @Test
  void anIdleObjectIsEvictedAndComesBackWithItsState() throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("idle"));
    assertThat(call(stub, "POST", "/increment")).isEqualTo("1");
    assertThat(activeObjects()).contains(stub.id().toString());

    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              assertThat(activeObjects()).doesNotContain(stub.id().toString());
              return null;
            });
    assertThat(call(stub, "POST", "/increment")).isEqualTo("2");
  }

  @Test
  void aNodeKeepsAtMostTheActiveObjectLimit() throws Exception {
    for (int round = 1; round <= 2; round++) {
      for (int i = 0; i < 6; i++) {
        DurableObjectStub stub = counters.get(counters.idFromName("limited-" + i));
        assertThat(call(stub, "POST", "/increment")).isEqualTo(Integer.toString(round));
        // Eviction of the least recently used object follows the activation asynchronously.
        testKit
            .createTestProbe()
            .awaitAssert(
                Duration.ofSeconds(5),
                () -> {
                  assertThat(activeObjects()).hasSizeLessThanOrEqualTo(3);
                  return null;
                });
      }
    }
  }
}
