package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * At most once per idempotency key, whatever happens to the key's records: a key is kept for its
 * whole retention (new keys are refused when the records are full, old ones never forgotten), a
 * response too large to keep is not applied twice, and a key names one request.
 */
class IdempotencyLimitsTest {
  private static ActorTestKit testKit;
  private static DurableObjectNamespace counters;

  @BeforeAll
  static void start() {
    testKit =
        TestNodes.start(
            "IdempotencyLimitsTest",
            """
            durable-objects.namespaces.counter.class = "%s"
            durable-objects.namespaces.rpc.class = "%s"
            durable-objects.idempotency.max-records-size = 4 KiB
            durable-objects.idempotency.max-response-size = 1 KiB
            """
                .formatted(
                    DurableObjectsTest.TestCounter.class.getName(),
                    DurableObjectsTest.RpcCounter.class.getName()));
    counters = DurableObjects.get(testKit.system()).namespace("counter");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Response keyed(DurableObjectStub stub, Request request, String key)
      throws Exception {
    return TestTime.await(stub.fetch(request.withHeader("Idempotency-Key", key)));
  }

  private static DurableObjectException refused(CompletionStage<?> stage) throws Exception {
    return (DurableObjectException) TestTime.failure(stage);
  }

  private static String count(DurableObjectStub stub) throws Exception {
    return TestTime.await(stub.fetch(Request.of("GET", "/"))).bodyText();
  }

  @Test
  void keysAreKeptForTheirRetentionAndNewKeysAreRefusedWhenTheRecordsAreFull() throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("full"));
    Request increment = Request.of("POST", "/increment");
    // Each record costs its key, its fingerprint (64), its response and 64 bytes: about 140.
    int accepted = 0;
    DurableObjectException full = null;
    while (full == null) {
      CompletionStage<Response> call =
          stub.fetch(increment.withHeader("Idempotency-Key", "k-" + accepted));
      try {
        assertThat(TestTime.await(call).bodyText()).isEqualTo(Integer.toString(accepted + 1));
        accepted++;
      } catch (java.util.concurrent.ExecutionException e) {
        full = (DurableObjectException) e.getCause();
      }
      assertThat(accepted).as("keys accepted before the records are full").isLessThan(100);
    }
    assertThat(accepted).isGreaterThan(10);
    assertThat(full.status()).isEqualTo(429);
    assertThat(full.code()).isEqualTo("idempotency_records_full");
    assertThat(full.getMessage())
        .contains("durable-objects.idempotency.max-records-size")
        .contains("4096 bytes");
    // The refused request was not applied; the first key is still remembered, not evicted.
    assertThat(count(stub)).isEqualTo(Integer.toString(accepted));
    Response first = keyed(stub, increment, "k-0");
    assertThat(first.bodyText()).isEqualTo("1");
    assertThat(first.header("Idempotent-Replayed")).contains("true");
    // Requests without a key are not affected.
    assertThat(TestTime.await(stub.fetch(increment)).bodyText())
        .isEqualTo(Integer.toString(accepted + 1));
  }

  @Test
  void aResponseTooLargeToKeepIsNotAppliedAgain() throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("large"));
    Request large = Request.of("POST", "/echo").withBody("x".repeat(2048));
    Response firstTime = keyed(stub, large, "large-1");
    assertThat(firstTime.status()).isEqualTo(201);
    assertThat(firstTime.bodyLength()).isEqualTo(2048);

    DurableObjectException retry =
        refused(stub.fetch(large.withHeader("Idempotency-Key", "large-1")));
    assertThat(retry.status()).isEqualTo(409);
    assertThat(retry.code()).isEqualTo("idempotency_response_not_kept");
    assertThat(retry.getMessage())
        .contains("is not applied again")
        .contains("durable-objects.idempotency.max-response-size");

    // What matters: a keyed write with a large answer runs once, however often it is resent.
    Request bigIncrement = Request.of("POST", "/increment-big");
    assertThat(keyed(stub, bigIncrement, "big-1").bodyLength()).isGreaterThan(1024);
    for (int i = 0; i < 3; i++) {
      assertThat(refused(stub.fetch(bigIncrement.withHeader("Idempotency-Key", "big-1"))).code())
          .isEqualTo("idempotency_response_not_kept");
    }
    assertThat(count(stub)).isEqualTo("1");
  }

  @Test
  void aKeyIsBoundToItsRequest() throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("bound"));
    Request increment = Request.of("POST", "/increment");
    assertThat(keyed(stub, increment, "order-1").bodyText()).isEqualTo("1");

    for (Request other :
        new Request[] {
          Request.of("PUT", "/increment"),
          Request.of("POST", "/increment").withQuery("by=2"),
          Request.of("POST", "/increment").withBody("{}"),
          Request.of("POST", "/echo")
        }) {
      DurableObjectException reused =
          refused(stub.fetch(other.withHeader("Idempotency-Key", "order-1")));
      assertThat(reused.status()).as(other.toString()).isEqualTo(422);
      assertThat(reused.code()).isEqualTo("idempotency_key_reused");
      assertThat(reused.getMessage()).contains("'order-1'").contains("another request");
    }
    assertThat(count(stub)).isEqualTo("1");

    // The same request, other headers: the first response.
    Response replay = keyed(stub, increment.withHeader("X-Request-Id", "another"), "order-1");
    assertThat(replay.bodyText()).isEqualTo("1");
    assertThat(replay.header("Idempotent-Replayed")).contains("true");

    // An RPC's key is bound to its method and arguments.
    DurableObjectNamespace rpc = DurableObjects.get(testKit.system()).namespace("rpc");
    DurableObjectStub rpcStub = rpc.get(rpc.idFromName("bound-rpc")).withIdempotencyKey("pay-1");
    DurableObjectsTest.CounterApi once = rpcStub.rpc(DurableObjectsTest.CounterApi.class);
    assertThat(TestTime.await(once.add(5))).isEqualTo(5L);
    assertThat(TestTime.await(once.add(5))).isEqualTo(5L);
    DurableObjectException rpcReused = refused(once.add(6));
    assertThat(rpcReused.status()).isEqualTo(422);
    assertThat(rpcReused.code()).isEqualTo("idempotency_key_reused");
    assertThat(
            TestTime.await(
                rpc.get(rpc.idFromName("bound-rpc"))
                    .rpc(DurableObjectsTest.CounterApi.class)
                    .get()))
        .isEqualTo(5L);
  }
}
