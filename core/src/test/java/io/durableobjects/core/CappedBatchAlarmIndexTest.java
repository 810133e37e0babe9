package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.entity.EntityTestKit;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.entity.SteppedWrites;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With batches capped in bytes, a batch may be written while later transactions are already in the
 * working state: the alarm index must still have a row for every alarm the batch makes durable, not
 * only for the working state's earliest one.
 */
class CappedBatchAlarmIndexTest {
  private static EntityTestKit kit;

  @BeforeAll
  static void start() {
    // Every transaction is a batch of its own.
    kit =
        new EntityTestKit(
            "CappedBatchAlarmIndexTest",
            AlarmTest.AlarmObject.class,
            "durable-objects.entity.max-batch-size = 1\n");
  }

  @AfterAll
  static void stop() {
    kit.shutdown();
  }

  @Test
  void aClosedBatchThatSetsAnAlarmALaterOneDeletesIsDurableOnlyWithItsIndexRow() throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("alarms");
    SteppedWrites writes = new SteppedWrites(kit.persistenceIdOf("alarms"));
    kit.journal.withPolicy(writes);
    try {
      TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
      object.tell(fetch("/set?name=late&in=3600000", replies)); // written at once, held
      assertThat(writes.nextWrite()).isEqualTo(1);
      object.tell(fetch("/set?name=soon&in=60000", replies)); // its own batch, closed
      object.tell(fetch("/delete?name=soon", replies)); // the next one
      replies.expectNoMessage(Duration.ofMillis(150)); // none is answered before its write

      writes.release();
      assertThat(text(replies.receiveMessage())).isEqualTo("[late]");
      assertThat(writes.nextWrite()).isEqualTo(1); // "soon" set: durable once written
      writes.release();
      assertThat(text(replies.receiveMessage())).isEqualTo("[late, soon]");
      // Should the node die now, the journal holds "soon" (its deletion is not written yet): the
      // index must have a row that wakes the object for it.
      List<AlarmIndexEntry> rows =
          kit.alarmIndex.due(Instant.now().plusSeconds(120), 10).toCompletableFuture().get();
      assertThat(rows).as("an index row due by the alarm 'soon'").isNotEmpty();

      assertThat(writes.nextWrite()).isEqualTo(1);
      writes.release();
      assertThat(text(replies.receiveMessage())).isEqualTo("true");
    } finally {
      writes.open();
      kit.journal.resetPolicy();
    }
  }

  private static ObjectCommand.Fetch fetch(String pathAndQuery, TestProbe<FetchReply> replies) {
    return EntityTestKit.fetch("alarms", pathAndQuery, List.of(), replies.getRef());
  }

  private static String text(FetchReply reply) {
    assertThat(reply).isInstanceOf(FetchReply.Ok.class);
    return ((FetchReply.Ok) reply).response().bodyText();
  }
}
