package io.durableobjects.core;

import static io.durableobjects.core.TestTime.await;
import static io.durableobjects.core.TestTime.retryableFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.internal.entity.CallChains;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.HeldWrite;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.socket.SocketCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The output gate for what leaves an object while a request runs: calls to other objects, replies
 * to re-entrant calls, and WebSocket messages. Each test holds one journal write of the calling
 * object (a group commit in flight) and checks that nothing that could reveal it leaves before it
 * is durable, and nothing at all if it fails.
 *
 * <p>The gates' bookkeeping alone is {@code OutputGateBatchesTest} (replies and socket frames per
 * batch) and {@code OutgoingCallGateTest}; this test adds the whole way out on a node: through the
 * stub, the object's proxies and sockets, to the callee or the connection.
 */
class OutputGateTest {

  public interface CallerApi {
    CompletionStage<Void> write(String value);

    /** Calls recorder {@code target} with {@code note}; answers what the recorder answered. */
    CompletionStage<Integer> callOut(String target, String note);
  }

  public interface RecorderApi {
    CompletionStage<Integer> record(String note);
  }

  /** Writes, calls a recorder, reads, and broadcasts to its sockets. */
  public static final class Caller implements FetchHandler, CallerApi {
    /** Where the chain of each callOut request and the outcome of its outgoing call go. */
    static volatile ActorRef<String> chains;

    static volatile ActorRef<String> outcomes;

    /**
     * Told each fetch that ran ("read", "broadcast " + text): the test waits for it before it
     * releases a held write, so that the call surely ran while the write was in flight.
     */
    static volatile ActorRef<String> runs;

    private final DurableObjectState state;

    public Caller(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      switch (request.path()) {
        case "/ws" -> {
          state.acceptWebSocket(request);
          return Response.status(101);
        }
        case "/broadcast" -> {
          String text = request.queryParam("text").orElse("");
          state.getWebSockets().forEach(ws -> ws.send(text));
          ran("broadcast " + text);
          return Response.status(204);
        }
        default -> {
          ran("read");
          return Response.text(state.storage().get("value", String.class).orElse(""));
        }
      }
    }

    private static void ran(String what) {
      ActorRef<String> runsTo = runs;
      if (runsTo != null) {
        runsTo.tell(what);
      }
    }

    @Override
    public CompletionStage<Void> write(String value) {
      state.storage().put("value", value);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Integer> callOut(String target, String note) {
      ActorRef<String> chainsTo = chains;
      if (chainsTo != null) {
        chainsTo.tell(String.join(",", CallChains.of(state)));
      }
      DurableObjectNamespace recorders = state.env().namespace("recorder");
      ActorRef<String> outcomesTo = outcomes;
      return recorders
          .get(recorders.idFromName(target))
          .rpc(RecorderApi.class)
          .record(note)
          .whenComplete(
              (answer, failure) -> {
                if (outcomesTo != null) {
                  outcomesTo.tell(failure == null ? "answered" : describe(failure));
                }
              });
    }
  }

  /** Tells the test every note it receives; a note starting with "wait" is answered later. */
  public static final class Recorder implements FetchHandler, RecorderApi {
    static volatile ActorRef<String> notes;
    static volatile CompletableFuture<Void> answerWaiting = new CompletableFuture<>();

    public Recorder(DurableObjectState state) {}

    @Override
    public Response fetch(Request request) {
      return Response.status(404);
    }

    @Override
    public CompletionStage<Integer> record(String note) {
      notes.tell(note);
      if (note.startsWith("wait")) {
        return answerWaiting.thenApply(v -> 1);
      }
      return CompletableFuture.completedFuture(1);
    }
  }

  // How long nothing may leave. Each test first waits until the call ran (a probe), so this covers
  // only the way from the object to the probe, within this JVM.
  private static final Duration QUIET = Duration.ofMillis(200);

  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;
  private static DurableObjectNamespace callers;
  private static DurableObjectNamespace recorders;
  private TestProbe<String> notes;
  private TestProbe<String> outcomes;
  private TestProbe<String> chains;
  private TestProbe<String> runs;
  // The last write held, released after each test so that a failed one leaves nothing blocked.
  private HeldWrite lastHold;
  private CompletableFuture<Void> pendingWrite;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "OutputGateTest",
            """
            durable-objects.ask-timeout = 20s
            durable-objects.namespaces.caller.class = "%s"
            durable-objects.namespaces.recorder.class = "%s"
            """
                .formatted(Caller.class.getName(), Recorder.class.getName()));
    journal = PersistenceTestKit.create(testKit.system());
    callers = DurableObjects.get(testKit.system()).namespace("caller");
    recorders = DurableObjects.get(testKit.system()).namespace("recorder");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  /** Holds the next journal write of this object. */
  private HeldWrite hold(String persistenceId) {
    lastHold = new HeldWrite(persistenceId);
    journal.withPolicy(lastHold);
    return lastHold;
  }

  @AfterEach
  void resetPolicy() {
    if (lastHold != null) {
      lastHold.succeed(); // a failed test must not leave the journal blocked
    }
    journal.resetPolicy();
    Recorder.answerWaiting.complete(null);
  }

  /** A caller and a recorder, both active, and a held journal write of the caller in flight. */
  private HeldWrite callerWithWriteInFlight(String name, String value) throws Exception {
    notes = testKit.createTestProbe();
    outcomes = testKit.createTestProbe();
    chains = testKit.createTestProbe();
    runs = testKit.createTestProbe();
    Caller.runs = runs.getRef();
    Recorder.notes = notes.getRef();
    Caller.outcomes = outcomes.getRef();
    Caller.chains = chains.getRef();
    Recorder.answerWaiting = new CompletableFuture<>();
    await(caller(name).write("before"));
    // Activates the recorder now: with the journal held, its recovery would wait too.
    await(recorders.get(recorders.idFromName("r-" + name)).rpc(RecorderApi.class).record("warm"));
    notes.expectMessage("warm");
    HeldWrite held = hold("durable-object-caller|" + callers.idFromName(name));
    pendingWrite = caller(name).write(value).toCompletableFuture();
    held.awaitHeld();
    return held;
  }

  @Test
  void aCallToAnotherObjectLeavesOnlyOnceTheCallersEarlierWritesAreDurable() throws Exception {
    HeldWrite held = callerWithWriteInFlight("delayed", "x");
    CompletableFuture<Integer> call = callOut("delayed", "after-x");
    chains.receiveMessage(); // it ran; its outgoing call waits
    notes.expectNoMessage(QUIET);
    assertThat(call).isNotDone();
    held.succeed();
    notes.expectMessage("after-x");
    assertThat(await(call)).isEqualTo(1);
    await(pendingWrite);
    outcomes.expectMessage("answered");
  }

  @Test
  void aCallIsNeverSentIfTheCallersEarlierWriteFails() throws Exception {
    HeldWrite held = callerWithWriteInFlight("failed", "y");
    CompletableFuture<Integer> call = callOut("failed", "after-y");
    chains.receiveMessage(); // it ran before the failure; its outgoing call waits
    notes.expectNoMessage(QUIET);
    held.fail();
    assertThat(retryableFailure(pendingWrite)).isTrue();
    assertThat(retryableFailure(call)).isTrue();
    // The caller's code saw its outgoing call fail, retryably, and the callee never got it.
    outcomes.expectMessage("ObjectUnavailableException retryable");
    notes.expectNoMessage(QUIET);
    // The caller recovered the durable state and calls out again.
    assertThat(read("failed")).isEqualTo("before");
    assertThat(await(callOut("failed", "again"))).isEqualTo(1);
    notes.expectMessage("again");
  }

  @Test
  void aReEntrantReplyWaitsForTheWritesBeforeIt() throws Exception {
    HeldWrite held = callerWithWriteInFlight("reentry", "z");
    // The recorder answers only when told: the caller's request stays open for re-entry.
    CompletableFuture<Integer> call = callOut("reentry", "wait");
    List<String> chain = List.of(chains.receiveMessage().split(","));
    // A call back into the caller on that chain, as the recorder would make it: it re-enters.
    TestProbe<FetchReply> reply = testKit.createTestProbe();
    reenter("reentry", chain, reply);
    runs.expectMessage("read");
    reply.expectNoMessage(QUIET);
    held.succeed();
    assertThat(((FetchReply.Ok) reply.receiveMessage()).response().bodyText()).isEqualTo("z");
    notes.expectMessage("wait");
    Recorder.answerWaiting.complete(null);
    assertThat(await(call)).isEqualTo(1);
  }

  @Test
  void aReEntrantReplyFailsIfTheWriteBeforeItFails() throws Exception {
    HeldWrite held = callerWithWriteInFlight("reentry-failed", "lost");
    CompletableFuture<Integer> call = callOut("reentry-failed", "wait");
    List<String> chain = List.of(chains.receiveMessage().split(","));
    TestProbe<FetchReply> reply = testKit.createTestProbe();
    reenter("reentry-failed", chain, reply);
    runs.expectMessage("read");
    reply.expectNoMessage(QUIET);
    held.fail();
    FetchReply answer = reply.receiveMessage();
    assertThat(answer).isInstanceOf(FetchReply.Failed.class);
    assertThat(((FetchReply.Failed) answer).status()).isEqualTo(503);
    assertThat(retryableFailure(call)).isTrue();
    notes.expectNoMessage(QUIET);
  }

  @Test
  void webSocketMessagesWaitForTheWritesBeforeThemAndAreDroppedIfTheyFail() throws Exception {
    notes = testKit.createTestProbe();
    runs = testKit.createTestProbe();
    Caller.runs = runs.getRef();
    TestProbe<SocketCommand> connection = testKit.createTestProbe();
    TestProbe<FetchReply> accepted = testKit.createTestProbe();
    entity("sockets")
        .tell(
            new ObjectCommand.Upgrade(
                "sockets",
                Request.of("GET", "/ws"),
                "s-1",
                connection.getRef(),
                accepted.getRef()));
    assertThat(connection.receiveMessage()).isInstanceOf(SocketCommand.Accepted.class);
    accepted.receiveMessage();
    String persistenceId = "durable-object-caller|" + callers.idFromName("sockets");

    HeldWrite held = hold(persistenceId);
    CompletableFuture<Void> write = caller("sockets").write("w").toCompletableFuture();
    held.awaitHeld();
    CompletableFuture<Response> broadcast = broadcast("sockets", "after-w");
    runs.expectMessage("broadcast after-w");
    connection.expectNoMessage(QUIET);
    held.succeed();
    assertThat(((SocketCommand.Send) connection.receiveMessage()).text()).isEqualTo("after-w");
    await(write);
    await(broadcast);

    HeldWrite failing = hold(persistenceId);
    CompletableFuture<Void> lost = caller("sockets").write("lost").toCompletableFuture();
    failing.awaitHeld();
    CompletableFuture<Response> unsent = broadcast("sockets", "after-lost");
    // The broadcast must run while the write is in flight: sent after the failure, it would run on
    // the recovered state and rightly succeed.
    runs.expectMessage("broadcast after-lost");
    failing.fail();
    assertThat(retryableFailure(lost)).isTrue();
    assertThat(retryableFailure(unsent)).isTrue();
    connection.expectNoMessage(QUIET);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static CallerApi caller(String name) {
    return callers.get(callers.idFromName(name)).rpc(CallerApi.class);
  }

  /** Caller {@code name} calls its recorder ("r-" + name) with {@code note}. */
  private static CompletableFuture<Integer> callOut(String name, String note) {
    return caller(name).callOut("r-" + name, note).toCompletableFuture();
  }

  /** Reads caller {@code name} with a call on {@code chain}, as its callee would call back. */
  private static void reenter(String name, List<String> chain, TestProbe<FetchReply> reply) {
    entity(name)
        .tell(new ObjectCommand.Fetch(name, Request.of("GET", "/read"), chain, reply.getRef()));
  }

  private static EntityRef<ObjectCommand> entity(String name) {
    return ClusterSharding.get(testKit.system())
        .entityRefFor(ShardedNamespace.typeKey("caller"), callers.idFromName(name).toString());
  }

  private static CompletableFuture<Response> broadcast(String name, String text) {
    return callers
        .get(callers.idFromName(name))
        .fetch(Request.of("POST", "/broadcast").withQuery("text=" + text))
        .toCompletableFuture();
  }

  private static String read(String name) throws Exception {
    return await(callers.get(callers.idFromName(name)).fetch(Request.of("GET", "/read")))
        .bodyText();
  }

  static String describe(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    boolean retryable = cause instanceof DurableObjectException d && d.isRetryable();
    return cause.getClass().getSimpleName() + (retryable ? " retryable" : "");
  }
}
