package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.testsupport.TimeFactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit under load on a node, with every message through the cluster serializer ({@code
 * serialize-messages = on}): many callers, journal failures in between, and not one increment lost
 * or applied twice. That calls queued behind a write share the next one and that no reply overtakes
 * its write is shown step by step, on one object actor, in {@code
 * ObjectGatesTest.callsThatRunWhileABatchIsInFlightCommitTogetherAndNoReplyOvertakesItsWrite}.
 */
class GroupCommitTest {
  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;
  private static DurableObjectNamespace counters;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "GroupCommitTest",
            """
                    durable-objects.ask-timeout = 20s
                    durable-objects.journal.snapshot-every = 500
                    durable-objects.namespaces.counter.class = "%s"
                    """
                .formatted(DurableObjectsTest.TestCounter.class.getName()));
    journal = PersistenceTestKit.create(testKit.system());
    counters = DurableObjects.get(testKit.system()).namespace("counter");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  @Test
  void sixtyFourCallersTimesTwoHundredIncrementsGiveExactly12800EvenAcrossRestarts()
      throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("many-callers"));
    int callers = 64;
    int perCaller = 200;
    AtomicInteger done = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    List<CompletableFuture<List<Long>>> results = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      results.add(increments(stub, perCaller, new ArrayList<>(), done, retries));
    }
    // Restart the entity twice while the callers run: a failed write makes it recover from the
    // journal; callers retry what was refused (503: not acknowledged).
    for (int threshold : new int[] {callers * perCaller / 3, 2 * callers * perCaller / 3}) {
      testKit
          .createTestProbe()
          .awaitAssert(
              Duration.ofSeconds(60),
              Duration.ofMillis(5),
              () -> {
                assertThat(done.get()).isGreaterThanOrEqualTo(threshold);
                return null;
              });
      journal.failNextPersisted();
    }
    for (CompletableFuture<List<Long>> result : results) {
      List<Long> seen =
          result.get(TimeFactor.dilated(Duration.ofSeconds(120)).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(seen).hasSize(perCaller).isSorted().doesNotHaveDuplicates();
    }
    Response total = TestTime.await(stub.fetch(Request.of("GET", "/")));
    assertThat(total.bodyText()).isEqualTo(Integer.toString(callers * perCaller));
    assertThat(retries.get()).as("the injected journal failures were seen").isPositive();
  }

  /** One caller: {@code remaining} increments one after another, retrying refused ones. */
  private static CompletableFuture<List<Long>> increments(
      DurableObjectStub stub,
      int remaining,
      List<Long> seen,
      AtomicInteger done,
      AtomicInteger retries) {
    if (remaining == 0) {
      return CompletableFuture.completedFuture(seen);
    }
    return stub.fetch(Request.of("POST", "/increment"))
        .toCompletableFuture()
        .handle(
            (response, failure) -> {
              if (failure != null) {
                Throwable cause =
                    failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof DurableObjectException e && e.isRetryable()) {
                  retries.incrementAndGet();
                  return increments(stub, remaining, seen, done, retries);
                }
                return CompletableFuture.<List<Long>>failedFuture(cause);
              }
              seen.add(Long.parseLong(response.bodyText()));
              done.incrementAndGet();
              return increments(stub, remaining - 1, seen, done, retries);
            })
        .thenCompose(f -> f);
  }
}
