package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Request;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object actor's limits in bytes, at the level of its messages: a group-committed batch is cut
 * into several journal writes at {@code max-batch-size}, and the calls waiting for the input gate
 * hold at most {@code max-waiting-size} bytes of bodies.
 */
class ByteLimitsTest {
  private static final Duration QUIET = Duration.ofMillis(150);
  // Each write below is one transaction of about 1 300 bytes as the output gate counts it (a
  // 1 000-character value, its key, 256 bytes of row overhead): two fit 3 000 bytes, three do not.
  private static final String LARGE = "x".repeat(1000);
  private static EntityTestKit kit;
  private TestProbe<String> events;
  private SteppedWrites writes;

  @BeforeAll
  static void start() {
    kit =
        new EntityTestKit(
            "ByteLimitsTest",
            ScriptedObject.class,
            "durable-objects.entity.max-batch-size = 3000\n"
                + "durable-objects.entity.max-waiting-size = 3000\n");
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
    if (writes != null) {
      writes.open();
    }
    kit.journal.resetPolicy();
  }

  @Test
  void transactionsBeyondTheBatchCapGoInTheNextWriteInOrderEachReplyAfterItsOwnWrite()
      throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("capped");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    writeAndQueueThree(object, "capped", replies);

    writes.release(); // w1's write
    assertThat(replyText(replies)).isEqualTo("w1");
    assertThat(writes.nextWrite()).isEqualTo(2); // w2 and w3: at the cap
    replies.expectNoMessage(QUIET);

    writes.release();
    assertThat(List.of(replyText(replies), replyText(replies))).containsExactly("w2", "w3");
    assertThat(writes.nextWrite()).isEqualTo(1); // w4, written after them
    replies.expectNoMessage(QUIET);

    writes.release();
    assertThat(replyText(replies)).isEqualTo("w4");
    object.tell(EntityTestKit.fetch("capped", "/read?key=k4", List.of(), replies.getRef()));
    assertThat(replyText(replies)).isEqualTo("w4"); // durable
  }

  @Test
  void aFailedWriteFailsItsTransactionsAndEveryOneAfterItNotTheOnesBefore() throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("failing");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    writeAndQueueThree(object, "failing", replies);

    writes.release(); // w1's write succeeds
    assertThat(replyText(replies)).isEqualTo("w1");
    assertThat(writes.nextWrite()).isEqualTo(2);
    writes.fail(); // w2 and w3's write fails: w4, closed behind it, fails too
    for (int i = 0; i < 3; i++) {
      FetchReply.Failed failed = (FetchReply.Failed) replies.receiveMessage();
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.message()).contains("the object's journal did not confirm the write");
    }
    writes.open();
    kit.journal.resetPolicy();

    for (String key : List.of("k1", "k2", "k4")) {
      object.tell(EntityTestKit.fetch("failing", "/read?key=" + key, List.of(), replies.getRef()));
    }
    assertThat(List.of(replyText(replies), replyText(replies), replyText(replies)))
        .containsExactly("w1", "", ""); // w1 is durable, w2 and w4 are not
  }

  @Test
  void callsBeyondTheWaitingBytesAreRefusedWith503WhileSmallerOnesStillWait() {
    ActorRef<ObjectCommand> object = kit.spawn("queue");
    TestProbe<FetchReply> running = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch("queue", "/hold?id=h", List.of(), running.getRef()));
    events.expectMessage("run h");

    TestProbe<FetchReply> waiting = kit.testKit.createTestProbe();
    TestProbe<FetchReply> refused = kit.testKit.createTestProbe();
    object.tell(withBody("queue", "q1", 1000, waiting.getRef()));
    object.tell(withBody("queue", "q2", 1500, waiting.getRef())); // 2 500 bytes wait
    object.tell(withBody("queue", "big", 1000, refused.getRef())); // 3 500 would pass 3 000
    object.tell(withBody("queue", "q3", 500, waiting.getRef())); // exactly 3 000

    FetchReply.Failed failed = (FetchReply.Failed) refused.receiveMessage();
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.code()).isEqualTo("unavailable");
    assertThat(failed.message())
        .isEqualTo(
            "the object's waiting requests hold 2500 bytes; this one's 1000 would pass"
                + " durable-objects.entity.max-waiting-size (3000 bytes)");
    waiting.expectNoMessage(QUIET);

    ScriptedObject.script.hold("h").complete(null);
    assertThat(replyText(running)).isEqualTo("h");
    assertThat(List.of(replyText(waiting), replyText(waiting), replyText(waiting)))
        .containsExactly("q1", "q2", "q3");
    assertThat(List.of(events.receiveMessage(), events.receiveMessage(), events.receiveMessage()))
        .containsExactly("run q1", "run q2", "run q3");

    // Once they ran, their bytes are free again: as many wait again.
    object.tell(EntityTestKit.fetch("queue", "/hold?id=h2", List.of(), running.getRef()));
    events.expectMessage("run h2");
    object.tell(withBody("queue", "q4", 2000, waiting.getRef()));
    object.tell(withBody("queue", "q5", 1000, waiting.getRef()));
    ScriptedObject.script.hold("h2").complete(null);
    assertThat(replyText(running)).isEqualTo("h2");
    assertThat(List.of(replyText(waiting), replyText(waiting))).containsExactly("q4", "q5");
  }

  @Test
  void aCallLargerThanTheBoundMayWaitAlone() {
    ActorRef<ObjectCommand> object = kit.spawn("alone");
    TestProbe<FetchReply> running = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch("alone", "/hold?id=h", List.of(), running.getRef()));
    events.expectMessage("run h");
    TestProbe<FetchReply> waiting = kit.testKit.createTestProbe();
    object.tell(withBody("alone", "huge", 5000, waiting.getRef()));
    TestProbe<FetchReply> refused = kit.testKit.createTestProbe();
    object.tell(withBody("alone", "small", 10, refused.getRef()));
    assertThat(((FetchReply.Failed) refused.receiveMessage()).status()).isEqualTo(503);
    ScriptedObject.script.hold("h").complete(null);
    assertThat(replyText(running)).isEqualTo("h");
    assertThat(replyText(waiting)).isEqualTo("huge");
  }

  @Test
  void aTransactionTooLargeForOneJournalWriteIsRefusedWith413AndWritesNothing() {
    ActorRef<ObjectCommand> object = kit.spawn("churning");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    // 7 000 deleted keys of about 2 000 bytes: some 14 MB of changes in a tiny object.
    object.tell(
        EntityTestKit.fetch("churning", "/write?key=k&value=before", List.of(), replies.getRef()));
    assertThat(replyText(replies)).isEqualTo("before");
    object.tell(
        EntityTestKit.fetch(
            "churning", "/churn?n=7000&key=k&value=after", List.of(), replies.getRef()));
    FetchReply.Failed failed = (FetchReply.Failed) replies.receiveMessage();
    assertThat(failed.status()).isEqualTo(413);
    assertThat(failed.code()).isEqualTo("storage_limit_exceeded");
    assertThat(failed.message())
        .contains("bytes in the journal; one journal write holds at most 12582912")
        .endsWith("nothing was written");

    object.tell(EntityTestKit.fetch("churning", "/churn?n=10", List.of(), replies.getRef()));
    assertThat(replyText(replies)).isEqualTo("churned 10"); // a smaller one commits
    object.tell(EntityTestKit.fetch("churning", "/read?key=k", List.of(), replies.getRef()));
    assertThat(replyText(replies)).isEqualTo("before"); // the refused request's put was dropped
  }

  /**
   * A durable first write, then: w1 alone in a write the journal holds, and w2, w3 and w4 (about 1
   * 300 bytes each) committed meanwhile, none answered.
   */
  private void writeAndQueueThree(
      ActorRef<ObjectCommand> object, String name, TestProbe<FetchReply> replies)
      throws InterruptedException {
    object.tell(EntityTestKit.fetch(name, "/write?key=k0&value=0", List.of(), replies.getRef()));
    assertThat(replyText(replies)).isEqualTo("0");
    events.expectMessage("run /write");
    writes = new SteppedWrites(EntityTestKit.persistenceId(name).id());
    kit.journal.withPolicy(writes);

    object.tell(largeWrite(name, 1, replies));
    assertThat(writes.nextWrite()).isEqualTo(1);
    for (int i = 2; i <= 4; i++) {
      object.tell(largeWrite(name, i, replies));
    }
    for (int i = 1; i <= 4; i++) {
      events.expectMessage("run w" + i);
    }
    replies.expectNoMessage(QUIET); // none is answered before its write is durable
  }

  private static ObjectCommand.Fetch largeWrite(String name, int i, TestProbe<FetchReply> replies) {
    return EntityTestKit.fetch(
        name,
        "/write?id=w" + i + "&key=k" + i + "&value=" + LARGE + "w" + i,
        List.of(),
        replies.getRef());
  }

  /** A call that answers its id, with a body of {@code bytes} bytes. */
  private static ObjectCommand.Fetch withBody(
      String name, String id, int bytes, ActorRef<FetchReply> replyTo) {
    Request request = Request.of("POST", "/hold").withQuery("id=" + id).withBody(new byte[bytes]);
    ScriptedObject.script.hold(id).complete(null); // answers as soon as it runs
    return new ObjectCommand.Fetch(name, request, List.of(), replyTo);
  }

  private static String replyText(TestProbe<FetchReply> replies) {
    FetchReply reply = replies.receiveMessage();
    String text = ObjectGatesTest.text(reply);
    return text.startsWith(LARGE) && !text.equals(LARGE) ? text.substring(LARGE.length()) : text;
  }
}
