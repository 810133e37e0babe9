package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The {@link OutputGate} alone, with probes as the callers: which batch is written when, and what
 * each confirmation (or failure) releases.
 */
class OutputGateBatchesTest {
  private static final ActorTestKit testKit = ActorTestKit.create("OutputGateBatchesTest");
  private final OutputGate gate = new OutputGate(1024 * 1024);
  private final TestProbe<FetchReply> replies = testKit.createTestProbe();
  private final List<String> sent = new ArrayList<>();

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private Batch.PendingReply reply(String text) {
    return new Batch.PendingReply(replies.getRef(), new FetchReply.Ok(Response.text(text)));
  }

  private static TransactionCommitted event() {
    return new TransactionCommitted(List.of());
  }

  private void confirm(Batch batch) {
    gate.inFlight(batch.id).journalDone = true;
  }

  private String next() {
    return ((FetchReply.Ok) replies.receiveMessage()).response().bodyText();
  }

  @Test
  void theFirstTransactionIsWrittenAtOnceAndTheNextOnesTogetherOnceItIsDurable() {
    Batch first = gate.commit(event(), List.of(() -> sent.add("frame 1")), reply("1"));
    assertThat(first).isNotNull();
    assertThat(first.events).hasSize(1);
    assertThat(gate.commit(event(), List.of(), reply("2"))).isNull(); // one batch in flight
    assertThat(gate.commit(event(), List.of(() -> sent.add("frame 3")), reply("3"))).isNull();
    assertThat(gate.unconfirmed()).isEqualTo(3);
    replies.expectNoMessage(Duration.ofMillis(50));
    assertThat(sent).isEmpty();

    confirm(first);
    assertThat(gate.releaseIfDurable()).isSameAs(first);
    assertThat(sent).containsExactly("frame 1");
    assertThat(next()).isEqualTo("1");
    Batch second = gate.nextToWrite();
    assertThat(second.events).hasSize(2); // group commit
    replies.expectNoMessage(Duration.ofMillis(50));

    confirm(second);
    gate.releaseIfDurable();
    assertThat(List.of(next(), next())).containsExactly("2", "3");
    assertThat(sent).containsExactly("frame 1", "frame 3");
    assertThat(gate.isIdle()).isTrue();
    assertThat(gate.nextToWrite()).isNull();
  }

  @Test
  void aReplyWithoutWritesWaitsBehindTheLatestBatchOrLeavesAtOnce() {
    gate.release(List.of(), reply("nothing pending"));
    assertThat(next()).isEqualTo("nothing pending");

    Batch batch = gate.commit(event(), List.of(), reply("write"));
    gate.release(List.of(), reply("read after it"));
    replies.expectNoMessage(Duration.ofMillis(50));
    confirm(batch);
    gate.releaseIfDurable();
    assertThat(List.of(next(), next())).containsExactly("write", "read after it");
  }

  @Test
  void aBatchIsDurableOnlyOnceTheJournalAndTheAlarmIndexHaveIt() {
    Batch batch = gate.commit(event(), List.of(), reply("w"));
    batch.indexPending = true;
    confirm(batch);
    assertThat(gate.releaseIfDurable()).isNull();
    replies.expectNoMessage(Duration.ofMillis(50));
    batch.indexPending = false;
    assertThat(gate.releaseIfDurable()).isSameAs(batch);
    assertThat(next()).isEqualTo("w");
  }

  @Test
  void aFailedWriteFailsEveryReplyWaitingAndItsFramesAreNeverSent() {
    Batch inFlight = gate.commit(event(), List.of(() -> sent.add("lost")), reply("1"));
    gate.commit(event(), List.of(), reply("2"));
    gate.release(List.of(() -> sent.add("lost too")), reply("3"));
    gate.writeFailed(new ObjectUnavailableException("journal failed"));
    for (int i = 0; i < 3; i++) {
      FetchReply.Failed failed = (FetchReply.Failed) replies.receiveMessage();
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.message()).isEqualTo("journal failed");
    }
    assertThat(sent).isEmpty();
    assertThat(gate.inFlight(inFlight.id)).isNull(); // a late confirmation finds nothing
    assertThat(gate.isIdle()).isTrue();
  }

  @Test
  void aBatchIsCappedInBytesAndTheNextTransactionsAreWrittenAfterItInOrder() {
    TransactionCommitted large =
        new TransactionCommitted(List.of(new TransactionCommitted.Change("k", new byte[1000])));
    long each =
        io.durableobjects.core.internal.serialization.JournalSerializer.transactionSize(large)
            + OutputGate.EVENT_OVERHEAD_BYTES;
    OutputGate capped = new OutputGate(2 * each); // two transactions fit, three do not
    Batch first = capped.commit(large, List.of(), reply("1"));
    for (int i = 2; i <= 6; i++) {
      assertThat(capped.commit(large, List.of(), reply(Integer.toString(i)))).isNull();
    }
    assertThat(capped.unconfirmed()).isEqualTo(6);
    capped.release(List.of(), reply("read after 6"));

    List<Integer> written = new ArrayList<>();
    List<String> answered = new ArrayList<>();
    for (Batch batch = first; batch != null; batch = capped.nextToWrite()) {
      written.add(batch.events.size());
      assertThat(batch.bytes).isLessThanOrEqualTo(2 * each);
      replies.expectNoMessage(Duration.ZERO); // nothing leaves before its own batch is durable
      capped.inFlight(batch.id).journalDone = true;
      assertThat(capped.releaseIfDurable()).isSameAs(batch);
      for (int i = 0; i < batch.waiters.size(); i++) {
        answered.add(next());
      }
    }
    assertThat(written).containsExactly(1, 2, 2, 1); // 2..6 committed while 1 was in flight
    assertThat(answered).containsExactly("1", "2", "3", "4", "5", "6", "read after 6");
    assertThat(capped.isIdle()).isTrue();
  }

  @Test
  void aFailedWriteFailsTheBatchesClosedBehindIt() {
    TransactionCommitted large =
        new TransactionCommitted(List.of(new TransactionCommitted.Change("k", new byte[1000])));
    OutputGate capped = new OutputGate(1); // every transaction alone
    Batch first = capped.commit(large, List.of(), reply("1"));
    capped.commit(large, List.of(() -> sent.add("lost")), reply("2"));
    capped.commit(large, List.of(), reply("3"));
    capped.inFlight(first.id).journalDone = true;
    capped.releaseIfDurable();
    assertThat(next()).isEqualTo("1");
    Batch second = capped.nextToWrite();
    assertThat(second.events).hasSize(1);

    capped.writeFailed(new ObjectUnavailableException("journal failed"));
    for (int i = 0; i < 2; i++) {
      assertThat(((FetchReply.Failed) replies.receiveMessage()).message())
          .isEqualTo("journal failed");
    }
    assertThat(sent).isEmpty();
    assertThat(capped.isIdle()).isTrue();
    assertThat(capped.nextToWrite()).isNull();
  }
}
