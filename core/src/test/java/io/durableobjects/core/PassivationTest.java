package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idle eviction and the cap on active objects: eviction is invisible to callers. A stop that
 * arrives while a call runs (as idle passivation does during a long call) is {@code
 * ObjectGatesTest.aStopWhileACallRunsServesTheWaitingCallsThenStops}, on one object actor.
 */
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
    return TestTime.await(stub.fetch(Request.of(method, path))).bodyText();
  }

  @Test
  void anIdleObjectIsEvictedAndComesBackWithItsState() throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("idle"));
    assertThat(call(stub, "POST", "/increment")).isEqualTo("1");
    assertThat(TestNodes.activeObjects(testKit, "counter")).contains(stub.id().toString());

    TestNodes.awaitInactive(testKit, "counter", stub.id().toString());
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
                  assertThat(TestNodes.activeObjects(testKit, "counter"))
                      .hasSizeLessThanOrEqualTo(3);
                  return null;
                });
      }
    }
  }
}
