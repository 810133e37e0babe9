package io.durableobjects.core.internal.entity;

import static io.durableobjects.core.internal.entity.ObjectGatesTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code blockConcurrencyWhile} called while a call runs, as in Cloudflare: nothing else is let in
 * until its stage completes (re-entrant calls neither), its writes belong to the call, it times out
 * like a request, and a failed stage fails the call and resets the instance.
 */
class BlockConcurrencyWhileTest {
  private static final Duration QUIET = Duration.ofMillis(150);
  private static EntityTestKit kit;
  private TestProbe<String> events;

  @BeforeAll
  static void start() {
    kit =
        new EntityTestKit(
            "BlockConcurrencyWhileTest",
            ScriptedObject.class,
            "durable-objects.entity.request-timeout = 5s");
  }

  @AfterAll
  static void stop() {
    kit.shutdown();
  }

  @BeforeEach
  void script() {
    events = kit.testKit.createTestProbe();
    ScriptedObject.script = new ScriptedObject.Script(events.getRef());
  }

  @Test
  void nothingElseRunsUntilTheStageCompletesAndItsWritesCommitWithTheCall() {
    ActorRef<ObjectCommand> object = kit.spawn("blocked");
    TestProbe<FetchReply> blocking = kit.testKit.createTestProbe();
    TestProbe<FetchReply> reentrant = kit.testKit.createTestProbe();
    TestProbe<FetchReply> other = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch("blocked", "/block?id=b&key=k&value=v", List.of(), blocking.getRef()));
    events.expectMessage("run b");
    List<String> chain = ScriptedObject.script.chains.get("b");
    object.tell(EntityTestKit.fetch("blocked", "/read?id=back&key=k", chain, reentrant.getRef()));
    object.tell(EntityTestKit.fetch("blocked", "/read?id=other&key=k", List.of(), other.getRef()));
    events.expectNoMessage(QUIET); // neither runs, not even the re-entrant call
    blocking.expectNoMessage(Duration.ZERO); // the handler returned, but its call has not ended

    ScriptedObject.script.hold("b").complete(null);
    assertThat(text(blocking.receiveMessage())).isEqualTo("blocked b");
    assertThat(text(reentrant.receiveMessage())).isEqualTo("v"); // the stage's write, committed
    assertThat(text(other.receiveMessage())).isEqualTo("v");
    assertThat(List.of(events.receiveMessage(), events.receiveMessage()))
        .containsExactly("run back", "run other");
  }

  @Test
  void aStageThatDoesNotCompleteTimesOutLikeARequest() {
    ActorRef<ObjectCommand> object = kit.spawn("never");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch("never", "/block?id=never&key=k&value=v", List.of(), replies.getRef()));
    events.expectMessage("run never");
    int instances = ScriptedObject.script.instances.get();

    kit.time.timePasses(kit.requestTimeout());
    FetchReply.Failed timedOut = (FetchReply.Failed) replies.receiveMessage();
    assertThat(timedOut.status()).isEqualTo(504);
    object.tell(EntityTestKit.fetch("never", "/read?key=k", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEmpty();
    assertThat(ScriptedObject.script.instances.get()).isEqualTo(instances + 1);
  }

  @Test
  void aFailedStageFailsTheCallDropsItsWritesAndResetsTheInstance() {
    ActorRef<ObjectCommand> object = kit.spawn("failed");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch(
            "failed", "/hold?id=h&key=before&value=kept", List.of(), replies.getRef()));
    ScriptedObject.script.hold("h").complete(null);
    assertThat(text(replies.receiveMessage())).isEqualTo("h");
    int instances = ScriptedObject.script.instances.get();

    object.tell(
        EntityTestKit.fetch(
            "failed", "/write?id=w&key=k&value=dropped", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("dropped");
    object.tell(
        EntityTestKit.fetch("failed", "/block?id=bad&key=k2&value=x", List.of(), replies.getRef()));
    events.expectMessage("run h");
    events.expectMessage("run w");
    events.expectMessage("run bad");
    ScriptedObject.script.hold("bad").completeExceptionally(new IllegalStateException("no"));
    FetchReply.Failed failed = (FetchReply.Failed) replies.receiveMessage();
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.message())
        .contains("blockConcurrencyWhile failed")
        .contains("IllegalStateException: no");

    object.tell(EntityTestKit.fetch("failed", "/read?key=before", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("kept");
    object.tell(EntityTestKit.fetch("failed", "/read?key=k", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("dropped");
    assertThat(ScriptedObject.script.instances.get()).isEqualTo(instances + 1);
  }

  @Test
  void outsideTheConstructorAndAnyCallItIsRefused() {
    ActorRef<ObjectCommand> object = kit.spawn("idle");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch("idle", "/read?key=k", List.of(), replies.getRef()));
    replies.receiveMessage();
    assertThatThrownBy(
            () ->
                ScriptedObject.script.lastState.blockConcurrencyWhile(
                    () -> CompletableFuture.completedFuture(null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only be called from the object's constructor or while it handles");
  }
}
