package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The object runtime end to end on a one-node cluster, with the testkit's in-memory journal. */
class DurableObjectsTest {

  /** A counter that can also fail in the ways the runtime must survive. */
  public static final class TestCounter implements FetchHandler {
    private final DurableObjectState state;

    public TestCounter(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      long count = state.storage().get("count", Long.class).orElse(0L);
      switch (request.path()) {
        case "/increment":
          state.storage().put("count", count + 1);
          return Response.text(Long.toString(count + 1));
        case "/increment-big":
          state.storage().put("count", count + 1);
          return Response.text(count + 1 + " " + "-".repeat(2048));
        case "/increment-then-throw":
          state.storage().put("count", count + 1000);
          throw new IllegalStateException("boom after writing");
        case "/name":
          return Response.text(state.id().name().orElse("?"));
        case "/echo":
          return Response.status(201)
              .withHeader("X-Method", request.method())
              .withHeader("X-Query", request.queryParam("q").orElse(""))
              .withHeader("X-Header", request.header("x-test").orElse(""))
              .withBody(request.body());
        default:
          return Response.text(Long.toString(count));
      }
    }
  }

  /** Answers later, from another thread, and uses storage in the continuation. */
  public static final class AsyncObject implements AsyncFetchHandler {
    static final java.util.concurrent.atomic.AtomicReference<Throwable> lateWrite =
        new java.util.concurrent.atomic.AtomicReference<>();
    private final DurableObjectState state;

    public AsyncObject(DurableObjectState state) {
      this.state = state;
      state.blockConcurrencyWhile(
          () ->
              CompletableFuture.supplyAsync(
                  () -> {
                    state.storage().put("initialised", true);
                    return null;
                  },
                  CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)));
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
      java.util.concurrent.Executor later =
          CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS);
      switch (request.path()) {
        case "/increment":
          return CompletableFuture.supplyAsync(
              () -> {
                long next = state.storage().get("count", Long.class).orElse(0L) + 1;
                state.storage().put("count", next);
                return Response.text(Long.toString(next));
              },
              later);
        case "/hang":
          state.storage().put("count", 1_000_000L);
          return CompletableFuture.supplyAsync(
              () -> {
                try {
                  state.storage().put("count", 2_000_000L);
                  lateWrite.set(new AssertionError("a late write was accepted"));
                } catch (RuntimeException e) {
                  lateWrite.set(e);
                }
                return Response.text("too late");
              },
              CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
        case "/fail":
          state.storage().put("count", -1L);
          return CompletableFuture.failedFuture(new IllegalArgumentException("async failure"));
        default:
          return CompletableFuture.completedFuture(
              Response.text(
                  state.storage().get("count", Long.class).orElse(0L)
                      + " "
                      + state.storage().get("initialised", Boolean.class).orElse(false)));
      }
    }
  }

  /** An RPC interface: every method returns a CompletionStage. */
  public interface CounterApi {
    CompletionStage<Long> add(long amount);

    CompletionStage<Long> get();

    CompletionStage<Void> fail(String why);

    CompletionStage<Long> addTo(String otherObject, long amount);

    /** Asks {@code via} to add {@code amount} to {@code target}: a cycle when target is this. */
    CompletionStage<Long> relay(String via, String target, long amount);
  }

  public interface NotAnRpcInterface {
    long get();
  }

  /** A counter driven by RPC, that can also call another counter through env(). */
  public static final class RpcCounter implements FetchHandler, CounterApi {
    private final DurableObjectState state;

    public RpcCounter(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      return Response.status(404);
    }

    @Override
    public CompletionStage<Long> add(long amount) {
      long next = state.storage().get("count", Long.class).orElse(0L) + amount;
      state.storage().put("count", next);
      return CompletableFuture.completedFuture(next);
    }

    @Override
    public CompletionStage<Long> get() {
      return CompletableFuture.completedFuture(state.storage().get("count", Long.class).orElse(0L));
    }

    @Override
    public CompletionStage<Void> fail(String why) {
      state.storage().put("count", -1L);
      throw new IllegalStateException(why);
    }

    @Override
    public CompletionStage<Long> addTo(String otherObject, long amount) {
      DurableObjectNamespace rpc = state.env().namespace("rpc");
      state.storage().put("forwarded", amount);
      return rpc.get(rpc.idFromName(otherObject)).rpc(CounterApi.class).add(amount);
    }

    @Override
    public CompletionStage<Long> relay(String via, String target, long amount) {
      DurableObjectNamespace rpc = state.env().namespace("rpc");
      state.storage().put("relayed", amount);
      return rpc.get(rpc.idFromName(via)).rpc(CounterApi.class).addTo(target, amount);
    }
  }

  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;
  private static DurableObjectNamespace counters;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "DurableObjectsTest",
            """
            durable-objects.ask-timeout = 5s
            durable-objects.journal.snapshot-every = 10
            durable-objects.entity.request-timeout = 1s
            durable-objects.namespaces.counter.class = "%s"
            durable-objects.namespaces.async.class = "%s"
            durable-objects.namespaces.rpc.class = "%s"
            """
                .formatted(
                    TestCounter.class.getName(),
                    AsyncObject.class.getName(),
                    RpcCounter.class.getName()));
    journal = PersistenceTestKit.create(testKit.system());
    counters = DurableObjects.get(testKit.system()).namespace("counter");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void resetJournalPolicy() {
    journal.resetPolicy();
  }

  private static Response call(DurableObjectStub stub, String method, String path)
      throws Exception {
    return stub.fetch(Request.of(method, path)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static DurableObjectException failure(CompletionStage<Response> stage) {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(DurableObjectException.class);
      return (DurableObjectException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the request to fail");
  }

  @Test
  void writesAreVisibleToTheNextRequestAndJournaledOneEventPerRequest() throws Exception {
    DurableObjectId id = counters.idFromName("sequential");
    DurableObjectStub stub = counters.get(id);
    for (int i = 1; i <= 5; i++) {
      assertThat(call(stub, "POST", "/increment").bodyText()).isEqualTo(Integer.toString(i));
    }
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("5");
    assertThat(call(stub, "GET", "/name").bodyText()).isEqualTo("sequential");
    assertThat(journal.persistedInStorage("durable-object-counter|" + id))
        .hasSize(5)
        .allSatisfy(event -> assertThat(event).isInstanceOf(TransactionCommitted.class));
  }

  @Test
  void requestAndResponseCarryMethodQueryHeadersAndBody() throws Exception {
    DurableObjectStub stub = counters.get(counters.idFromName("echo"));
    Request request =
        Request.of("PUT", "/echo")
            .withQuery("q=a%20b&x=1")
            .withHeader("X-Test", "yes")
            .withBody("hello");
    Response response = stub.fetch(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("x-method")).contains("PUT");
    assertThat(response.header("x-query")).contains("a b");
    assertThat(response.header("x-header")).contains("yes");
    assertThat(response.bodyText()).isEqualTo("hello");
  }

  @Test
  void aHandlerThatThrowsCommitsNothing() throws Exception {
    DurableObjectId id = counters.idFromName("throws");
    DurableObjectStub stub = counters.get(id);
    call(stub, "POST", "/increment");

    DurableObjectException error = failure(stub.fetch(Request.of("POST", "/increment-then-throw")));
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.code()).isEqualTo("object_error");
    assertThat(error.getMessage()).contains("IllegalStateException: boom after writing");

    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("1");
    assertThat(journal.persistedInStorage("durable-object-counter|" + id)).hasSize(1);
  }

  @Test
  void concurrentRequestsAreSerialAndGroupCommitted() throws Exception {
    DurableObjectId id = counters.idFromName("concurrent");
    DurableObjectStub stub = counters.get(id);
    List<CompletableFuture<Response>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(stub.fetch(Request.of("POST", "/increment")).toCompletableFuture());
    }
    Set<String> answers = new HashSet<>();
    for (CompletableFuture<Response> f : futures) {
      answers.add(f.get(10, TimeUnit.SECONDS).bodyText());
    }
    // Every request saw a distinct count: no lost update, no duplicate.
    assertThat(answers).hasSize(200).contains("1", "200");
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("200");
  }

  @Test
  void aJournalFailureFailsTheRequestRetryablyAndRecoversTheDurableState() throws Exception {
    DurableObjectId id = counters.idFromName("journal-failure");
    DurableObjectStub stub = counters.get(id);
    assertThat(call(stub, "POST", "/increment").bodyText()).isEqualTo("1");

    journal.failNextPersisted();
    DurableObjectException error = failure(stub.fetch(Request.of("POST", "/increment")));
    assertThat(error.status()).isEqualTo(503);
    assertThat(error.isRetryable()).isTrue();

    // The unacknowledged increment is not visible: the object recovered from the journal.
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("1");
    assertThat(call(stub, "POST", "/increment").bodyText()).isEqualTo("2");
  }

  @Test
  void stateSurvivesSnapshotsAndRecovery() throws Exception {
    DurableObjectId id = counters.idFromName("snapshots");
    DurableObjectStub stub = counters.get(id);
    for (int i = 0; i < 25; i++) {
      call(stub, "POST", "/increment");
    }
    // Force a recovery (snapshot at 20 + 5 events) by failing a write.
    journal.failNextPersisted();
    failure(stub.fetch(Request.of("POST", "/increment")));
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("25");
  }

  @Test
  void requestsAndRepliesSurviveTheClusterSerializer() throws Exception {
    org.apache.pekko.serialization.Serialization serialization =
        org.apache.pekko.serialization.SerializationExtension.get(
            org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(testKit.system()));
    var probe = testKit.<io.durableobjects.core.internal.entity.FetchReply>createTestProbe();
    Object[] messages = {
      new io.durableobjects.core.internal.entity.ObjectCommand.Fetch(
          "a",
          Request.of("POST", "/x")
              .withQuery("q=1")
              .withHeader("A", "b")
              .withBody(new byte[] {1, 2}),
          List.of("durable-object-counter|abc#1"),
          probe.getRef()),
      new io.durableobjects.core.internal.entity.FetchReply.Ok(
          Response.text("hi").withStatus(202).withHeader("X", "y")),
      new io.durableobjects.core.internal.entity.FetchReply.Failed(503, "unavailable", "later")
    };
    for (Object message : messages) {
      var serializer = serialization.findSerializerFor(message);
      assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonCborSerializer");
      byte[] bytes = serialization.serialize(message).get();
      String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, message);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertThat(back).usingRecursiveComparison().isEqualTo(message);
    }
  }

  @Test
  void asynchronousContinuationsKeepTheInputGateClosed() throws Exception {
    DurableObjectNamespace async = DurableObjects.get(testKit.system()).namespace("async");
    DurableObjectStub stub = async.get(async.idFromName("gate"));
    List<CompletableFuture<Response>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(stub.fetch(Request.of("POST", "/increment")).toCompletableFuture());
    }
    List<String> answers = new ArrayList<>();
    for (CompletableFuture<Response> f : futures) {
      answers.add(f.get(10, TimeUnit.SECONDS).bodyText());
    }
    // Serial, in arrival order, although each continuation ran on another thread later.
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(answers).containsExactlyElementsOf(expected);
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("50 true");
  }

  @Test
  void blockConcurrencyWhileRunsBeforeTheFirstRequest() throws Exception {
    DurableObjectNamespace async = DurableObjects.get(testKit.system()).namespace("async");
    assertThat(call(async.get(async.idFromName("init")), "GET", "/").bodyText())
        .isEqualTo("0 true");
  }

  @Test
  void aRequestThatOutlivesItsTimeoutFailsWith504AndTheObjectKeepsWorking() throws Exception {
    DurableObjectNamespace async = DurableObjects.get(testKit.system()).namespace("async");
    DurableObjectStub stub = async.get(async.idFromName("timeout"));
    call(stub, "POST", "/increment");

    DurableObjectException error = failure(stub.fetch(Request.of("POST", "/hang")));
    assertThat(error.status()).isEqualTo(504);
    assertThat(error.code()).isEqualTo("object_timeout");

    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("1 true");
    assertThat(call(stub, "POST", "/increment").bodyText()).isEqualTo("2");
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(AsyncObject.lateWrite.get())
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("storage can only be used");
              return null;
            });
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("2 true");
  }

  @Test
  void aFailedStageCommitsNothing() throws Exception {
    DurableObjectNamespace async = DurableObjects.get(testKit.system()).namespace("async");
    DurableObjectStub stub = async.get(async.idFromName("failed-stage"));
    call(stub, "POST", "/increment");
    DurableObjectException error = failure(stub.fetch(Request.of("POST", "/fail")));
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.getMessage()).contains("IllegalArgumentException: async failure");
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("1 true");
  }

  @Test
  void uniqueIdsAndIdsFromStringsAreCheckedAgainstTheirNamespace() throws Exception {
    DurableObjectId unique = counters.newUniqueId();
    assertThat(unique.name()).isEmpty();
    assertThat(counters.idFromString(unique.toString())).isEqualTo(unique);
    assertThat(counters.newUniqueId()).isNotEqualTo(unique);
    assertThat(call(counters.get(unique), "POST", "/increment").bodyText()).isEqualTo("1");
    assertThat(call(counters.get(counters.idFromString(unique.toString())), "GET", "/").bodyText())
        .isEqualTo("1");

    DurableObjectId byName = counters.idFromName("a");
    assertThat(counters.idFromString(byName.toString())).isEqualTo(byName);

    DurableObjectNamespace async = DurableObjects.get(testKit.system()).namespace("async");
    assertThatThrownBy(() -> async.idFromString(unique.toString()))
        .isInstanceOf(InvalidObjectIdException.class)
        .hasMessageContaining("does not belong to namespace 'async'")
        .satisfies(e -> assertThat(((DurableObjectException) e).status()).isEqualTo(400));
    assertThatThrownBy(() -> counters.idFromString("xyz"))
        .isInstanceOf(InvalidObjectIdException.class)
        .hasMessageContaining("an ID has 64 hex characters, got 3");
    assertThatThrownBy(() -> counters.idFromString(null))
        .isInstanceOf(InvalidObjectIdException.class)
        .hasMessageContaining("the ID is missing");
  }

  @Test
  void rpcMethodsRunOnTheObjectAsTransactions() throws Exception {
    DurableObjectNamespace rpc = DurableObjects.get(testKit.system()).namespace("rpc");
    CounterApi counter = rpc.get(rpc.idFromName("rpc-a")).rpc(CounterApi.class);
    assertThat(counter.add(5).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(5L);
    assertThat(counter.add(2).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7L);

    DurableObjectException error =
        failure(counter.fail("no way").thenApply(v -> Response.status(200)));
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.getMessage()).contains("IllegalStateException: no way");
    assertThat(counter.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7L);
  }

  @Test
  void objectsCallOtherObjectsThroughEnv() throws Exception {
    DurableObjectNamespace rpc = DurableObjects.get(testKit.system()).namespace("rpc");
    CounterApi a = rpc.get(rpc.idFromName("env-a")).rpc(CounterApi.class);
    CounterApi b = rpc.get(rpc.idFromName("env-b")).rpc(CounterApi.class);
    assertThat(a.addTo("env-b", 3).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(3L);
    assertThat(a.addTo("env-b", 4).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7L);
    assertThat(b.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7L);
    assertThat(a.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(0L);
  }

  @Test
  void aCallCycleReEntersInsteadOfDeadlocking() throws Exception {
    DurableObjectNamespace rpc = DurableObjects.get(testKit.system()).namespace("rpc");
    CounterApi a = rpc.get(rpc.idFromName("cycle-a")).rpc(CounterApi.class);
    CounterApi b = rpc.get(rpc.idFromName("cycle-b")).rpc(CounterApi.class);
    // cycle-a → cycle-b → cycle-a: the inner call re-enters cycle-a while its outer call waits.
    assertThat(a.relay("cycle-b", "cycle-a", 5).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(5L);
    assertThat(a.relay("cycle-b", "cycle-a", 2).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(7L);
    // The re-entered writes committed with the outer request; cycle-b stored nothing of its own.
    assertThat(a.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(7L);
    assertThat(b.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(0L);
    // A caller outside the chain still waits its turn and sees the committed result.
    assertThat(a.add(1).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(8L);
  }

  @Test
  void rpcProxiesAreCheckedAndObjectsMustImplementTheInterface() {
    DurableObjectNamespace rpc = DurableObjects.get(testKit.system()).namespace("rpc");
    assertThatThrownBy(() -> rpc.get(rpc.idFromName("x")).rpc(NotAnRpcInterface.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RPC methods must return CompletionStage")
        .hasMessageContaining("[get]");
    assertThatThrownBy(() -> rpc.get(rpc.idFromName("x")).rpc(RpcCounter.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an interface");
    CounterApi wrong = counters.get(counters.idFromName("not-rpc")).rpc(CounterApi.class);
    DurableObjectException error = failure(wrong.get().thenApply(v -> Response.status(200)));
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.getMessage()).contains("does not implement").contains("CounterApi");
  }

  @Test
  void aRetriedRequestWithTheSameIdempotencyKeyIsAppliedOnce() throws Exception {
    DurableObjectId id = counters.idFromName("idempotent");
    DurableObjectStub stub = counters.get(id);
    Request increment = Request.of("POST", "/increment");
    List<CompletableFuture<Response>> sameKey = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sameKey.add(stub.fetch(increment.withHeader("Idempotency-Key", "k-1")).toCompletableFuture());
    }
    Response first = sameKey.get(0).get(10, TimeUnit.SECONDS);
    assertThat(first.bodyText()).isEqualTo("1");
    assertThat(first.header("Idempotent-Replayed")).isEmpty();
    for (CompletableFuture<Response> retry : sameKey.subList(1, 5)) {
      Response replay = retry.get(10, TimeUnit.SECONDS);
      assertThat(replay.bodyText()).isEqualTo("1");
      assertThat(replay.header("Idempotent-Replayed")).contains("true");
    }
    Response other =
        stub.fetch(increment.withHeader("Idempotency-Key", "k-2"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(other.bodyText()).isEqualTo("2");

    // The remembered responses are committed state: they survive a recovery from the journal.
    journal.failNextPersisted();
    failure(stub.fetch(increment));
    Response afterRecovery =
        stub.fetch(increment.withHeader("Idempotency-Key", "k-1"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(afterRecovery.bodyText()).isEqualTo("1");
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("2");

    DurableObjectException invalid =
        failure(stub.fetch(increment.withHeader("Idempotency-Key", "x".repeat(256))));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.code()).isEqualTo("invalid_idempotency_key");
    assertThat(call(stub, "GET", "/").bodyText()).isEqualTo("2");
  }

  @Test
  void stubsCarryAnIdempotencyKeyForFetchAndRpc() throws Exception {
    DurableObjectNamespace rpc = DurableObjects.get(testKit.system()).namespace("rpc");
    DurableObjectStub stub = rpc.get(rpc.idFromName("idempotent-rpc"));
    CounterApi once = stub.withIdempotencyKey("order-1").rpc(CounterApi.class);
    assertThat(once.add(5).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(5L);
    assertThat(once.add(5).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(5L);
    CounterApi plain = stub.rpc(CounterApi.class);
    assertThat(plain.get().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(5L);
    assertThat(
            stub.withIdempotencyKey("order-2")
                .rpc(CounterApi.class)
                .add(1)
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .isEqualTo(6L);

    DurableObjectStub counter =
        counters.get(counters.idFromName("idempotent-fetch")).withIdempotencyKey("f-1");
    assertThat(call(counter, "POST", "/increment").bodyText()).isEqualTo("1");
    Response replay =
        counter
            .fetch(Request.of("POST", "/increment"))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(replay.bodyText()).isEqualTo("1");
    assertThat(replay.header("Idempotent-Replayed")).contains("true");

    assertThatThrownBy(() -> stub.withIdempotencyKey("with space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("visible ASCII");
  }

  @Test
  void unknownNamespacesAndForeignIdsAreRefused() {
    assertThatThrownBy(() -> DurableObjects.get(testKit.system()).namespace("nope"))
        .isInstanceOf(UnknownNamespaceException.class)
        .hasMessage("unknown namespace 'nope'; configured namespaces: [async, counter, rpc]");
    DurableObjectId foreign = ObjectIdFactory.create("other", "00", null);
    assertThatThrownBy(() -> counters.get(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("belongs to namespace 'other', not 'counter'");
    assertThatThrownBy(() -> counters.idFromName(""))
        .hasMessage("an object name must not be null or empty");
  }
}
