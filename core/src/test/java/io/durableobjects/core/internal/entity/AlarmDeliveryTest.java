package io.durableobjects.core.internal.entity;

import static io.durableobjects.core.internal.entity.ObjectGatesTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.internal.storage.ScheduledAlarm;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alarm delivery while the object is active, on an injected clock and Pekko's manual time: at its
 * time and not before, once; a failing handler retried after doubling delays, then dropped.
 */
class AlarmDeliveryTest {
  private static final Duration QUIET = Duration.ofMillis(150);
  private static EntityTestKit kit;
  private TestProbe<String> events;

  @BeforeAll
  static void start() {
    kit =
        new EntityTestKit(
            "AlarmDeliveryTest",
            ScriptedObject.class,
            """
            durable-objects.alarms {
              first-retry-delay = 200ms
              max-retry-delay = 10s
              max-retries = 2
            }
            """);
  }

  @AfterAll
  static void stop() {
    kit.shutdown();
  }

  @BeforeEach
  void script() {
    events = kit.testKit.createTestProbe();
    ScriptedObject.script = new ScriptedObject.Script(events.getRef(), kit.clock);
  }

  @Test
  void anAlarmFiresAtItsTimeByTheClockAndOnlyOnce() {
    ActorRef<ObjectCommand> object = kit.spawn("timely");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    long due = kit.clock.millis() + 300;
    object.tell(EntityTestKit.fetch("timely", "/alarm?id=set&in=300", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("set");
    events.expectMessage("run set");

    kit.advance(Duration.ofMillis(299));
    events.expectNoMessage(QUIET);
    kit.advance(Duration.ofMillis(1));
    events.expectMessage("alarm retry 0 at " + due);
    assertThat(inspect(object).alarms()).isEmpty();
    kit.advance(Duration.ofMinutes(10));
    events.expectNoMessage(QUIET);
    assertThat(inspect(object).keys()).contains("alarm-0");
  }

  @Test
  void aFailingAlarmIsRetriedAfterDoublingDelaysThenDropped() {
    ScriptedObject.script.alarmFails = true;
    ActorRef<ObjectCommand> object = kit.spawn("failing");
    TestProbe<FetchReply> replies = kit.testKit.createTestProbe();
    long due = kit.clock.millis() + 100;
    object.tell(EntityTestKit.fetch("failing", "/alarm?id=set&in=100", List.of(), replies.getRef()));
    assertThat(text(replies.receiveMessage())).isEqualTo("set");
    events.expectMessage("run set");

    kit.advance(Duration.ofMillis(100));
    events.expectMessage("alarm retry 0 at " + due);
    List<ScheduledAlarm> pending = inspect(object).alarms(); // after the failure: a retry is due
    assertThat(pending).hasSize(1);
    assertThat(pending.get(0).retryCount()).isEqualTo(1);
    assertThat(pending.get(0).scheduledMillis()).isEqualTo(due);
    assertThat(pending.get(0).dueMillis()).isEqualTo(due + 200);

    kit.advance(Duration.ofMillis(199));
    events.expectNoMessage(QUIET);
    kit.advance(Duration.ofMillis(1));
    events.expectMessage("alarm retry 1 at " + (due + 200));
    assertThat(inspect(object).alarms().get(0).dueMillis()).isEqualTo(due + 200 + 400);

    kit.advance(Duration.ofMillis(400));
    events.expectMessage("alarm retry 2 at " + (due + 600));
    FetchReply.Inspected after = inspect(object);
    assertThat(after.alarms()).isEmpty(); // dropped after the last retry
    assertThat(after.keys()).doesNotContain("alarm-0", "alarm-1", "alarm-2"); // rolled back
    kit.advance(Duration.ofMinutes(10));
    events.expectNoMessage(QUIET);
  }

  private static FetchReply.Inspected inspect(ActorRef<ObjectCommand> object) {
    return kit.inspect(object);
  }
}
