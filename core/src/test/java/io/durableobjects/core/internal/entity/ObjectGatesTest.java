package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object actor's gates at the level of its messages: the input gate's order, group commit
 * behind the output gate, a failed batch, a request timeout (on Pekko's manual time), re-entry, a
 * stop while a call runs, and an object that cannot start.
 */
class ObjectGatesTest {
  private static final Duration QUIET = Duration.ofMillis(150);
  private static EntityTestKit kit;
  private TestProbe<String> events;
  private HeldWrite held;

  @BeforeAll
  static void start() {
    kit =
        new EntityTestKit(
            "ObjectGatesTest", ScriptedObject.class, "durable-objects.entity.request-timeout = 5s");
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

  @AfterEach
  void release() {
    if (held != null) {
      held.succeed();
    }
    kit.journal.resetPolicy();
  }

  @Test
  void callsRunOneAtATimeInArrivalOrderAndAreAnsweredInThatOrder() {
    ActorRef<ObjectCommand> object = kit.spawn("order");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch("order", "/hold?id=first", List.of(), replies.getRef()));
    events.expectMessage("run first");
    object.tell(
        EntityTestKit.fetch(
            "order", "/write?id=second&key=k&value=2", List.of(), replies.getRef()));
    object.tell(EntityTestKit.fetch("order", "/read?id=third&key=k", List.of(), replies.getRef()));
    events.expectNoMessage(QUIET); // the gate is closed while the first call's stage is pending
    replies.expectNoMessage(Duration.ZERO);

    ScriptedObject.script.hold("first").complete(null);
    assertThat(text(replies.receiveMessage())).isEqualTo("first");
    assertThat(text(replies.receiveMessage())).isEqualTo("2");
    assertThat(text(replies.receiveMessage())).isEqualTo("2"); // the third saw the second's write
    assertThat(List.of(events.receiveMessage(), events.receiveMessage()))
        .containsExactly("run second", "run third");
  }

  @Test
  void callsThatRunWhileABatchIsInFlightCommitTogetherAndNoReplyOvertakesItsWrite()
      throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("group");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch("group", "/write?id=w0&key=k0&value=0", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("0");
    events.expectMessage("run w0");
    held = hold("group");

    object.tell(
        EntityTestKit.fetch("group", "/write?id=w1&key=k1&value=1", List.of(), replies.getRef()));
    held.awaitHeld();
    for (int i = 2; i <= 4; i++) {
      object.tell(
          EntityTestKit.fetch(
              "group",
              "/write?id=w" + i + "&key=k" + i + "&value=" + i,
              List.of(),
              replies.getRef()));
    }
    assertThat(
            List.of(
                events.receiveMessage(),
                events.receiveMessage(),
                events.receiveMessage(),
                events.receiveMessage()))
        .containsExactly(
            "run w1", "run w2", "run w3", "run w4"); // they ran against the working state
    replies.expectNoMessage(QUIET); // but none is answered before its write is durable

    held.succeed();
    assertThat(
            List.of(
                text(replies.receiveMessage()),
                text(replies.receiveMessage()),
                text(replies.receiveMessage()),
                text(replies.receiveMessage())))
        .containsExactly("1", "2", "3", "4");
    assertThat(held.writes).containsExactly(1, 3); // w1 alone, then w2..w4 in one journal write
  }

  @Test
  void aFailedBatchFailsEveryReplyWaitingOnItAndTheObjectRecoversItsDurableState()
      throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("failing");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch(
            "failing", "/write?key=base&value=before", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("before");
    int instances = ScriptedObject.script.instances.get();
    held = hold("failing");

    object.tell(
        EntityTestKit.fetch("failing", "/write?key=base&value=lost", List.of(), replies.getRef()));
    held.awaitHeld();
    object.tell(
        EntityTestKit.fetch("failing", "/read?key=base", List.of(), replies.getRef())); // saw it
    object.tell(
        EntityTestKit.fetch(
            "failing", "/write?key=other&value=lost-too", List.of(), replies.getRef()));
    replies.expectNoMessage(QUIET);
    held.fail();
    for (int i = 0; i < 3; i++) {
      FetchReply.Failed failed = (FetchReply.Failed) replies.receiveMessage();
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.message()).contains("the object's journal did not confirm the write");
    }
    kit.journal.resetPolicy();

    object.tell(EntityTestKit.fetch("failing", "/read?key=base", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("before");
    object.tell(EntityTestKit.fetch("failing", "/read?key=other", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEmpty();
    assertThat(ScriptedObject.script.instances.get()).isEqualTo(instances + 1); // recovered anew
  }

  @Test
  void aCallThatOutlivesTheRequestTimeoutFailsWith504ItsWritesAreDroppedAndItsInstanceReplaced() {
    ActorRef<ObjectCommand> object = kit.spawn("slow");
    TestProbe<FetchReply> late = kit.testKit.createTestProbe();
    TestProbe<FetchReply> next = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch("slow", "/hold?id=late&key=k&value=never", List.of(), late.getRef()));
    events.expectMessage("run late");
    int instances = ScriptedObject.script.instances.get();
    object.tell(EntityTestKit.fetch("slow", "/read?id=next&key=k", List.of(), next.getRef()));

    kit.time.timePasses(kit.requestTimeout().minusMillis(1));
    late.expectNoMessage(QUIET);
    kit.time.timePasses(Duration.ofMillis(1));
    FetchReply.Failed timedOut = (FetchReply.Failed) late.receiveMessage();
    assertThat(timedOut.status()).isEqualTo(504);
    assertThat(timedOut.code()).isEqualTo("object_timeout");
    assertThat(text(next.receiveMessage())).isEmpty(); // the late call's write was dropped
    assertThat(ScriptedObject.script.instances.get()).isEqualTo(instances + 1);

    ScriptedObject.script.hold("late").complete(null); // its continuation is ignored
    late.expectNoMessage(QUIET);
  }

  @Test
  void aCallFromTheChainOfTheRunningCallReEntersWhileOthersWait() {
    ActorRef<ObjectCommand> object = kit.spawn("reentry");
    TestProbe<FetchReply> outer = kit.testKit.createTestProbe();
    TestProbe<FetchReply> back = kit.testKit.createTestProbe();
    TestProbe<FetchReply> other = kit.testKit.createTestProbe();
    object.tell(
        EntityTestKit.fetch(
            "reentry", "/hold?id=outer&key=k&value=uncommitted", List.of(), outer.getRef()));
    events.expectMessage("run outer");
    List<String> chain = ScriptedObject.script.chains.get("outer");
    assertThat(chain).hasSize(1).allMatch(link -> link.startsWith("durable-object-scripted|"));

    // As the callee of the outer call would call back: it runs now, in the outer transaction.
    object.tell(EntityTestKit.fetch("reentry", "/read?id=back&key=k", chain, back.getRef()));
    assertThat(text(back.receiveMessage())).isEqualTo("uncommitted");
    // A call from elsewhere waits for the outer call.
    object.tell(
        EntityTestKit.fetch(
            "reentry", "/read?id=other&key=k", List.of("elsewhere#1"), other.getRef()));
    other.expectNoMessage(QUIET);

    ScriptedObject.script.hold("outer").complete(null);
    assertThat(text(outer.receiveMessage())).isEqualTo("outer");
    assertThat(text(other.receiveMessage())).isEqualTo("uncommitted");
  }

  // Sharding's stop message, as idle passivation sends it when a long call outlives the idle
  // timeout.
  @Test
  void aStopWhileACallRunsServesTheWaitingCallsThenStops() {
    ActorRef<ObjectCommand> object = kit.spawn("stopping");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch("stopping", "/hold?id=busy", List.of(), replies.getRef()));
    events.expectMessage("run busy");
    object.tell(
        EntityTestKit.fetch(
            "stopping", "/write?id=queued&key=k&value=v", List.of(), replies.getRef()));
    object.tell(ObjectCommand.Stop.INSTANCE);
    replies.expectNoMessage(QUIET);

    ScriptedObject.script.hold("busy").complete(null);
    assertThat(text(replies.receiveMessage())).isEqualTo("busy");
    assertThat(text(replies.receiveMessage())).isEqualTo("v");
    replies.expectTerminated(object);
  }

  @Test
  void anObjectThatCannotStartAnswersEveryCallWithItsErrorAndAsksToBePassivated() {
    ScriptedObject.script.constructorFails = true;
    ActorRef<ObjectCommand> object = kit.spawn("broken");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch("broken", "/read?key=k", List.of(), replies.getRef()));
    FetchReply.Failed failed = (FetchReply.Failed) replies.receiveMessage();
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.message()).contains("constructor threw").contains("fails on purpose");
    assertThat(kit.shard.receiveMessage()).isInstanceOf(ClusterSharding.Passivate.class);

    ScriptedObject.script.constructorFails = false; // still broken: no new instance is made
    object.tell(EntityTestKit.fetch("broken", "/read?key=k", List.of(), replies.getRef()));
    assertThat(((FetchReply.Failed) replies.receiveMessage()).message())
        .contains("constructor threw");
    object.tell(ObjectCommand.Stop.INSTANCE); // sharding passivates it
    replies.expectTerminated(object);
  }

  private static HeldWrite hold(String objectName) {
    HeldWrite policy = new HeldWrite(EntityTestKit.persistenceId(objectName).id());
    kit.journal.withPolicy(policy);
    return policy;
  }

  static String text(FetchReply reply) {
    assertThat(reply).isInstanceOf(FetchReply.Ok.class);
    return ((FetchReply.Ok) reply).response().bodyText();
  }
}
