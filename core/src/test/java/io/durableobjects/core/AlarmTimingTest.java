package io.durableobjects.core;

import static io.durableobjects.core.AlarmTest.deliveriesOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.AlarmTest.AlarmObject;
import io.durableobjects.core.AlarmTest.Delivery;
import io.durableobjects.core.internal.entity.EntityTestKit;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The time-dependent alarm scenarios of {@link AlarmTest}, on one object actor with an injected
 * clock and Pekko's manual time instead of waiting: at its time (not before) and once, latest set
 * wins, rollback, named alarms, retries with growing delays (as the admin view shows them), the
 * drop after the last retry, re-arming, delete-all, and a journal failure. Time moves only when the
 * test says so; "nothing more" is checked by a round trip through the input gate after the time
 * passed.
 */
class AlarmTimingTest {
  private static EntityTestKit kit;
  private static Clock systemClock;

  @BeforeAll
  static void start() {
    kit =
        new EntityTestKit(
            "AlarmTimingTest",
            AlarmObject.class,
            """
            durable-objects.alarms {
              first-retry-delay = 200ms
              max-retries = 3
              max-per-object = 5
            }
            """);
    systemClock = AlarmTest.clock;
    AlarmTest.clock = kit.clock;
  }

  @AfterAll
  static void stop() {
    AlarmTest.clock = systemClock;
    kit.shutdown();
  }

  /** The object of this name (named so that its deliveries are told apart). */
  private static ActorRef<ObjectCommand> object(String name) {
    return kit.spawn(name);
  }

  private static FetchReply call(ActorRef<ObjectCommand> object, String name, String pathAndQuery) {
    TestProbe<FetchReply> reply = kit.testKit.createTestProbe();
    object.tell(EntityTestKit.fetch(name, pathAndQuery, List.of(), reply.getRef()));
    return reply.receiveMessage();
  }

  private static String text(ActorRef<ObjectCommand> object, String name, String pathAndQuery) {
    FetchReply reply = call(object, name, pathAndQuery);
    assertThat(reply).isInstanceOf(FetchReply.Ok.class);
    return ((FetchReply.Ok) reply).response().bodyText();
  }

  /** Lets {@code duration} pass, then waits until whatever fell due has been handled. */
  private static void pass(ActorRef<ObjectCommand> object, Duration duration) {
    kit.advance(duration);
    kit.inspect(object);
  }

  @Test
  void anAlarmFiresOnceAtOrAfterItsTime() {
    ActorRef<ObjectCommand> once = object("t-once");
    long before = kit.clock.millis();
    assertThat(text(once, "t-once", "/set?in=300")).isEqualTo("[default]");
    pass(once, Duration.ofMillis(299));
    assertThat(deliveriesOf("t-once")).isEmpty();
    pass(once, Duration.ofMillis(1));
    List<Delivery> seen = deliveriesOf("t-once");
    assertThat(seen).hasSize(1);
    Delivery delivery = seen.get(0);
    assertThat(delivery.info().name()).isEqualTo("default");
    assertThat(delivery.info().retryCount()).isZero();
    assertThat(delivery.info().isRetry()).isFalse();
    assertThat(delivery.info().scheduledTime().toEpochMilli()).isEqualTo(before + 300);
    assertThat(delivery.atMillis()).isEqualTo(before + 300);
    pass(once, Duration.ofMinutes(10));
    assertThat(deliveriesOf("t-once")).hasSize(1); // succeeded: never run again
    assertThat(text(once, "t-once", "/alarms")).isEqualTo("[]");
    assertThat(text(once, "t-once", "/get")).isEqualTo("none");
    assertThat(kit.inspect(once).keys()).contains("fired:default"); // the handler's write stays
  }

  @Test
  void theLatestSetAlarmWins() {
    ActorRef<ObjectCommand> latest = object("t-latest");
    long before = kit.clock.millis();
    text(latest, "t-latest", "/set?in=300");
    text(latest, "t-latest", "/set?in=60000");
    text(latest, "t-latest", "/set?in=900");
    pass(latest, Duration.ofMillis(899));
    assertThat(deliveriesOf("t-latest")).isEmpty();
    pass(latest, Duration.ofMinutes(10));
    List<Delivery> seen = deliveriesOf("t-latest");
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).info().scheduledTime().toEpochMilli()).isEqualTo(before + 900);
    assertThat(text(latest, "t-latest", "/alarms")).isEqualTo("[]");
  }

  @Test
  void aRolledBackRequestSetsNoAlarm() {
    ActorRef<ObjectCommand> rollback = object("t-rollback");
    FetchReply failed = call(rollback, "t-rollback", "/set-then-throw?in=100");
    assertThat(((FetchReply.Failed) failed).status()).isEqualTo(500);
    assertThat(text(rollback, "t-rollback", "/alarms")).isEqualTo("[]");
    pass(rollback, Duration.ofSeconds(1));
    assertThat(deliveriesOf("t-rollback")).isEmpty();
    assertThat(kit.inspect(rollback).alarms()).isEmpty();
  }

  @Test
  void namedAlarmsArePendingTogetherAndEachIsDeliveredWithItsName() {
    ActorRef<ObjectCommand> named = object("t-named");
    text(named, "t-named", "/set?name=b&in=600");
    text(named, "t-named", "/set?name=a&in=300");
    assertThat(text(named, "t-named", "/set?name=c&in=60000")).isEqualTo("[a, b, c]");
    assertThat(kit.inspect(named).alarms())
        .extracting(ScheduledAlarm::name)
        .containsExactly("a", "b", "c");
    pass(named, Duration.ofMillis(300));
    assertThat(deliveriesOf("t-named")).extracting(d -> d.info().name()).containsExactly("a");
    pass(named, Duration.ofMillis(300));
    assertThat(deliveriesOf("t-named")).extracting(d -> d.info().name()).containsExactly("a", "b");
    assertThat(text(named, "t-named", "/delete?name=c")).isEqualTo("true");
    assertThat(text(named, "t-named", "/delete?name=c")).isEqualTo("false");
    assertThat(text(named, "t-named", "/alarms")).isEqualTo("[]");
  }

  @Test
  void aFailingHandlerIsRetriedWithGrowingDelaysThenSucceedsOnce() {
    AlarmTest.failures.put("t-flaky/default", 2);
    ActorRef<ObjectCommand> flaky = object("t-flaky");
    text(flaky, "t-flaky", "/set?in=100");
    pass(flaky, Duration.ofMillis(100));
    pass(flaky, Duration.ofMillis(199));
    assertThat(deliveriesOf("t-flaky")).hasSize(1);
    pass(flaky, Duration.ofMillis(1));
    assertThat(deliveriesOf("t-flaky")).hasSize(2);
    pass(flaky, Duration.ofMillis(399));
    assertThat(deliveriesOf("t-flaky")).hasSize(2);
    pass(flaky, Duration.ofMillis(1));
    pass(flaky, Duration.ofMinutes(10));
    List<Delivery> seen = deliveriesOf("t-flaky");
    assertThat(seen).extracting(d -> d.info().retryCount()).containsExactly(0, 1, 2);
    assertThat(seen).extracting(d -> d.info().isRetry()).containsExactly(false, true, true);
    assertThat(seen)
        .extracting(d -> d.info().scheduledTime())
        .containsOnly(seen.get(0).info().scheduledTime());
    assertThat(seen.get(1).atMillis() - seen.get(0).atMillis()).isEqualTo(200);
    assertThat(seen.get(2).atMillis() - seen.get(1).atMillis()).isEqualTo(400);
    // The failed deliveries' writes were rolled back; the successful one's are kept.
    FetchReply.Inspected view = kit.inspect(flaky);
    assertThat(view.keys()).contains("fired:default").doesNotContain("failed-write");
    assertThat(view.alarms()).isEmpty();
  }

  @Test
  void aHandlerThatAlwaysFailsIsDroppedAfterTheLastRetry() {
    AlarmTest.failures.put("t-hopeless/default", -1);
    ActorRef<ObjectCommand> hopeless = object("t-hopeless");
    long due = kit.clock.millis() + 50;
    text(hopeless, "t-hopeless", "/set?in=50");
    pass(hopeless, Duration.ofMillis(50));
    // Between attempts the admin view shows the retry: its count, the original time, its own due.
    ScheduledAlarm retry = kit.inspect(hopeless).alarms().get(0);
    assertThat(retry.retryCount()).isEqualTo(1);
    assertThat(retry.scheduledMillis()).isEqualTo(due);
    assertThat(retry.dueMillis()).isEqualTo(due + 200);
    pass(hopeless, Duration.ofMillis(200));
    assertThat(kit.inspect(hopeless).alarms().get(0).dueMillis()).isEqualTo(due + 200 + 400);
    for (long delay : new long[] {400, 800}) {
      pass(hopeless, Duration.ofMillis(delay));
    }
    pass(hopeless, Duration.ofMinutes(10)); // the next retry would have been 1.6 s later
    assertThat(deliveriesOf("t-hopeless"))
        .extracting(d -> d.info().retryCount())
        .containsExactly(0, 1, 2, 3);
    assertThat(text(hopeless, "t-hopeless", "/alarms")).isEqualTo("[]");
    assertThat(kit.inspect(hopeless).keys())
        .doesNotContain("failed-write"); // every attempt rolled back
    var dropped =
        kit.meters
            .find("durable_objects.alarms.dropped")
            .tag("namespace", EntityTestKit.NAMESPACE)
            .counter();
    assertThat(dropped).isNotNull();
    assertThat(dropped.count()).isEqualTo(1);
  }

  @Test
  void settingTheAlarmInsideTheHandlerReArmsIt() {
    ActorRef<ObjectCommand> rearm = object("t-rearm");
    text(rearm, "t-rearm", "/rearm?times=3&in=150");
    for (int i = 1; i <= 3; i++) {
      pass(rearm, Duration.ofMillis(150));
      assertThat(deliveriesOf("t-rearm")).hasSize(i);
    }
    pass(rearm, Duration.ofMinutes(10));
    assertThat(deliveriesOf("t-rearm")).hasSize(3);
    assertThat(text(rearm, "t-rearm", "/alarms")).isEqualTo("[]");
  }

  @Test
  void deleteAllRemovesEveryAlarm() {
    ActorRef<ObjectCommand> wiped = object("t-wiped");
    text(wiped, "t-wiped", "/set?name=x&in=400");
    text(wiped, "t-wiped", "/set?in=400");
    assertThat(text(wiped, "t-wiped", "/delete-all")).isEqualTo("[]");
    pass(wiped, Duration.ofMinutes(10));
    assertThat(deliveriesOf("t-wiped")).isEmpty();
  }

  @Test
  void aJournalFailureLosesTheUnacknowledgedAlarm() {
    ActorRef<ObjectCommand> object = object("t-journal-failure");
    text(object, "t-journal-failure", "/alarms"); // recovered, before the failure is injected
    kit.journal.failNextPersisted();
    FetchReply failed = call(object, "t-journal-failure", "/set?in=200");
    assertThat(((FetchReply.Failed) failed).message())
        .contains("the object's journal did not confirm the write");
    assertThat(text(object, "t-journal-failure", "/alarms")).isEqualTo("[]");
    pass(object, Duration.ofSeconds(1));
    assertThat(deliveriesOf("t-journal-failure")).isEmpty();
  }
}
