package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
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
                    durable-objects.namespaces.slow.class = "%s"
                    """
                        .formatted(
                            DurableObjectsTest.TestCounter.class.getName(),
                            SlowCounter.class.getName()));
    counters = DurableObjects.get(testKit.system()).namespace("counter");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static String call(DurableObjectStub stub, String method, String path) throws Exception {
    return TestTime.await(stub.fetch(Request.of(method, path))).bodyText();
  }


  /** A counter whose {@code /slow} read takes longer than the idle timeout. */
  public static final class SlowCounter implements AsyncFetchHandler {
    private final DurableObjectState state;

    public SlowCounter(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
      long count = state.storage().get("count", Long.class).orElse(0L);
      if (request.path().equals("/slow")) {
        String answer = Long.toString(count);
        return CompletableFuture.supplyAsync(
            () -> Response.text(answer),
            CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
      }
      if (request.path().equals("/increment")) {
        state.storage().put("count", ++count);
      }
      return CompletableFuture.completedFuture(Response.text(Long.toString(count)));
    }
  }

  @Test
  void callsWaitingBehindARequestAreServedWhenTheObjectIsStoppedMeanwhile() throws Exception {
    DurableObjectNamespace slow = DurableObjects.get(testKit.system()).namespace("slow");
    DurableObjectStub stub = slow.get(slow.idFromName("busy"));
    // The slow read is running when idle passivation stops the object (no call arrives for longer
    // than the idle timeout); the increments wait behind it and must still be answered.
    CompletableFuture<Response> read = stub.fetch(Request.of("GET", "/slow")).toCompletableFuture();
    List<CompletableFuture<Response>> increments = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      increments.add(stub.fetch(Request.of("POST", "/increment")).toCompletableFuture());
    }
    assertThat(TestTime.await(read).bodyText()).isEqualTo("0");
    List<String> answers = new ArrayList<>();
    for (CompletableFuture<Response> increment : increments) {
      answers.add(TestTime.await(increment).bodyText());
    }
    assertThat(answers).containsExactly("1", "2", "3");
    assertThat(call(stub, "GET", "/")).isEqualTo("3");
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
                  assertThat(TestNodes.activeObjects(testKit, "counter")).hasSizeLessThanOrEqualTo(3);
                  return null;
                });
      }
    }
  }
}
