package io.durableobjects.core.internal.entity;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.AlarmHandler;
import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Storage;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code expire-after-idle} on one object actor, with the manual clock and Pekko's manual time: E
 * is 10s, so an object written at t is erased at t + 12.5s (E + E/4) unless called meanwhile.
 * "Gone" is read through the admin view (which does not count as a call) and the journal.
 */
class ExpiryTest {
  private static final Duration E = Duration.ofSeconds(10);
  private static final Queue<String> deliveries = new ConcurrentLinkedQueue<>();

  private static EntityTestKit kit;
  private static EntityTestKit noHandlerKit;
  private static EntityTestKit neverKit;

  @BeforeAll
  static void start() {
    String expiring = "durable-objects.namespaces.scripted.expire-after-idle = 10s\n";
    kit = new EntityTestKit("ExpiryTest", Kept.class, expiring);
    noHandlerKit = new EntityTestKit("ExpiryTestNoHandler", Plain.class, expiring);
    neverKit = new EntityTestKit("ExpiryTestNever", Kept.class, "");
  }

  @AfterAll
  static void stop() {
    kit.shutdown();
    noHandlerKit.shutdown();
    neverKit.shutdown();
  }

  /** An object with data, user alarms (delivered into {@link #deliveries}) and a few probes. */
  public static final class Kept implements FetchHandler, AlarmHandler {
    private final DurableObjectState state;

    public Kept(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      Storage storage = state.storage();
      switch (request.path()) {
        case "/put" -> storage.put(request.queryParam("key").orElse("k"), "v");
        case "/count" -> {
          int n = storage.get("n", Integer.class).orElse(0) + 1;
          storage.put("n", n);
          return Response.text(Integer.toString(n));
        }
        case "/set-alarm" ->
            storage.setAlarm(
                "user", Instant.ofEpochMilli(Long.parseLong(request.queryParam("at").get())));
        case "/alarms" -> {
          return Response.text(storage.listAlarms().keySet().toString());
        }
        case "/get-internal" -> storage.getAlarm(AlarmRules.EXPIRY);
        case "/delete-internal" -> storage.deleteAlarm(AlarmRules.EXPIRY);
        case "/set-internal" -> storage.setAlarm(AlarmRules.EXPIRY, Instant.now());
        case "/delete-all" -> storage.deleteAll();
        case "/throw" -> throw new IllegalStateException("fails on purpose");
        default -> {}
      }
      return Response.text("ok");
    }

    @Override
    public void alarm(AlarmInfo info) {
      deliveries.add(state.id().name().orElse("?") + ":" + info.name());
    }
  }

  /** An object without an alarm handler. */
  public static final class Plain implements FetchHandler {
    private final DurableObjectState state;

    public Plain(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      if (request.path().equals("/put")) {
        state.storage().put("k", "v");
      }
      return Response.text("ok");
    }
  }

  private static FetchReply call(
      EntityTestKit on, ActorRef<ObjectCommand> object, String name, Request request) {
    TestProbe<FetchReply> reply = on.testKit.createTestProbe();
    object.tell(new ObjectCommand.Fetch(name, request, List.of(), reply.getRef()));
    return reply.receiveMessage();
  }

  private static FetchReply call(
      EntityTestKit on, ActorRef<ObjectCommand> object, String name, String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    Request request =
        q < 0
            ? Request.of("POST", pathAndQuery)
            : Request.of("POST", pathAndQuery.substring(0, q))
                .withQuery(pathAndQuery.substring(q + 1));
    return call(on, object, name, request);
  }

  private static void ok(EntityTestKit on, ActorRef<ObjectCommand> object, String name, String p) {
    assertThat(call(on, object, name, p)).isInstanceOf(FetchReply.Ok.class);
  }

  /** Lets {@code duration} pass, then waits until whatever fell due has been handled. */
  private static FetchReply.Inspected after(
      EntityTestKit on, ActorRef<ObjectCommand> object, Duration duration) {
    on.advance(duration);
    return on.inspect(object);
  }

  /** The alarm index rows of the object {@code name} (its hex ID). */
  private static List<Instant> indexRows(EntityTestKit on, String name) {
    String hex = io.durableobjects.core.internal.ObjectIds.fromName(EntityTestKit.NAMESPACE, name);
    return on.alarmIndex.due(Instant.MAX, 1000).toCompletableFuture().join().stream()
        .filter(entry -> entry.id().equals(hex))
        .map(AlarmIndexEntry::dueAt)
        .toList();
  }

  /** Waits until the index rows of {@code name} are {@code expected} (the index is tidied late). */
  private static void awaitRows(EntityTestKit on, String name, Instant... expected) {
    on.testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertThat(indexRows(on, name)).containsExactly(expected);
              return null;
            });
  }

  private static double expirations(EntityTestKit on) {
    var counter = on.meters.find("durable_objects.expirations").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void anObjectNotCalledForEIsErasedAtEPlusAQuarterNeverBefore() {
    ActorRef<ObjectCommand> object = kit.spawn("idle");
    long t0 = kit.clock.millis();
    double before = expirations(kit);
    ok(kit, object, "idle", "/put?key=a");
    assertThat(indexRows(kit, "idle")).containsExactly(Instant.ofEpochMilli(t0 + 12_500));

    assertThat(after(kit, object, E).keys()).containsExactly("a"); // idle exactly E: kept
    assertThat(after(kit, object, Duration.ofMillis(2_499)).keys()).containsExactly("a");
    FetchReply.Inspected gone = after(kit, object, Duration.ofMillis(1));
    assertThat(gone.keyCount()).isZero();
    assertThat(gone.alarms()).isEmpty();
    assertThat(expirations(kit)).isGreaterThan(before); // other tests' objects may expire too
    awaitRows(kit, "idle");
    // The history is deleted once the erasure is durable: only the erasure's own event is left.
    kit.testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              List<Object> left = kit.journal.persistedInStorage(kit.persistenceIdOf("idle"));
              assertThat(left).singleElement().isInstanceOf(TransactionCommitted.class);
              TransactionCommitted erasure = (TransactionCommitted) left.get(0);
              assertThat(erasure.deleteAll()).isTrue();
              assertThat(erasure.forgetsRemembered()).isTrue();
              return null;
            });
    // Empty now: it carries no expiry alarm and nothing happens any more.
    assertThat(after(kit, object, Duration.ofDays(1)).keyCount()).isZero();
    assertThat(kit.journal.persistedInStorage(kit.persistenceIdOf("idle"))).hasSize(1);
  }

  @Test
  void aCallPostponesTheExpiryAndMostCallsWriteNothing() {
    ActorRef<ObjectCommand> object = kit.spawn("busy");
    long t0 = kit.clock.millis();
    ok(kit, object, "busy", "/put");
    String pid = kit.persistenceIdOf("busy");
    int events = kit.journal.persistedInStorage(pid).size();

    kit.advance(Duration.ofSeconds(2));
    ok(kit, object, "busy", "/get"); // the alarm (t0 + 12.5s) is still E ahead: no write
    assertThat(kit.journal.persistedInStorage(pid)).hasSize(events);

    after(kit, object, Duration.ofSeconds(3)); // t0 + 5s
    ok(kit, object, "busy", "/get"); // a read: the alarm moves to t0 + 5s + 12.5s, one write
    assertThat(kit.journal.persistedInStorage(pid)).hasSize(events + 1);
    awaitRows(kit, "busy", Instant.ofEpochMilli(t0 + 17_500));

    assertThat(after(kit, object, Duration.ofMillis(12_499)).keys()).containsExactly("k");
    assertThat(after(kit, object, Duration.ofMillis(1)).keyCount()).isZero();
  }

  @Test
  void aFailedCallCountsAsACallToo() {
    ActorRef<ObjectCommand> object = kit.spawn("failing");
    ok(kit, object, "failing", "/put");
    after(kit, object, Duration.ofSeconds(5));
    assertThat(call(kit, object, "failing", "/throw")).isInstanceOf(FetchReply.Failed.class);
    assertThat(after(kit, object, Duration.ofMillis(12_499)).keys()).containsExactly("k");
    assertThat(after(kit, object, Duration.ofMillis(1)).keyCount()).isZero();
  }

  @Test
  void expiryDeletesAlarmsDataAndRememberedIdempotencyKeys() {
    ActorRef<ObjectCommand> object = kit.spawn("full");
    long t0 = kit.clock.millis();
    Request count = Request.of("POST", "/count").withHeader("Idempotency-Key", "once");
    assertThat(((FetchReply.Ok) call(kit, object, "full", count)).response().bodyText())
        .isEqualTo("1");
    ok(kit, object, "full", "/set-alarm?at=" + (t0 + Duration.ofHours(1).toMillis()));

    assertThat(after(kit, object, Duration.ofMillis(12_500)).keyCount()).isZero();
    assertThat(kit.inspect(object).alarms()).isEmpty();
    awaitRows(kit, "full");
    after(kit, object, Duration.ofHours(2));
    assertThat(deliveries).doesNotContain("full:user"); // the user's alarm went with the object

    // The remembered response is gone too: the same key runs the request again, on no data.
    FetchReply again = call(kit, object, "full", count);
    assertThat(((FetchReply.Ok) again).response().bodyText()).isEqualTo("1");
    assertThat(((FetchReply.Ok) again).response().header("Idempotent-Replayed")).isEmpty();
  }

  @Test
  void neverEarlyAfterARestartFromTheJournal() {
    ActorRef<ObjectCommand> object = kit.spawn("restarted");
    long t0 = kit.clock.millis();
    ok(kit, object, "restarted", "/put");
    after(kit, object, Duration.ofSeconds(5));
    ok(kit, object, "restarted", "/get"); // moves the alarm to t0 + 17.5s, durably
    kit.testKit.stop(object);

    kit.advance(Duration.ofSeconds(9)); // t0 + 14s, while no instance runs
    ActorRef<ObjectCommand> recovered = kit.spawn("restarted");
    // t0 + 15s: exactly E after the last call
    assertThat(after(kit, recovered, Duration.ofSeconds(1)).keys()).containsExactly("k");
    assertThat(after(kit, recovered, Duration.ofMillis(2_499)).keys()).containsExactly("k");
    assertThat(after(kit, recovered, Duration.ofMillis(1)).keyCount()).isZero();
    assertThat(kit.clock.millis()).isEqualTo(t0 + 17_500);
  }

  @Test
  void theObjectCanNeitherSeeNorTouchTheInternalAlarm() {
    ActorRef<ObjectCommand> object = kit.spawn("curious");
    ok(kit, object, "curious", "/put");
    assertThat(indexRows(kit, "curious")).hasSize(1); // the expiry alarm is there...
    FetchReply listed = call(kit, object, "curious", "/alarms");
    assertThat(((FetchReply.Ok) listed).response().bodyText()).isEqualTo("[]"); // ...unlisted
    assertThat(kit.inspect(object).alarms()).isEmpty(); // and not in the admin view
    for (String path : List.of("/get-internal", "/delete-internal", "/set-internal")) {
      FetchReply refused = call(kit, object, "curious", path);
      assertThat(refused).isInstanceOf(FetchReply.Failed.class);
      assertThat(((FetchReply.Failed) refused).message()).contains("control character");
    }
    assertThat(indexRows(kit, "curious")).hasSize(1);

    // Its own deleteAll empties it, expiry alarm included; an empty object carries none.
    ok(kit, object, "curious", "/delete-all");
    awaitRows(kit, "curious");
    ok(kit, object, "curious", "/get");
    assertThat(indexRows(kit, "curious")).isEmpty();
    ok(kit, object, "curious", "/put"); // the next write sets it again
    assertThat(indexRows(kit, "curious")).hasSize(1);
  }

  @Test
  void anObjectThatNeverWroteGetsNoExpiryAlarm() {
    ActorRef<ObjectCommand> object = kit.spawn("reader");
    String pid = kit.persistenceIdOf("reader");
    ok(kit, object, "reader", "/get");
    ok(kit, object, "reader", "/get");
    assertThat(kit.journal.persistedInStorage(pid)).isEmpty();
    assertThat(indexRows(kit, "reader")).isEmpty();
  }

  @Test
  void aClassWithoutAnAlarmHandlerExpiresToo() {
    ActorRef<ObjectCommand> object = noHandlerKit.spawn("plain");
    ok(noHandlerKit, object, "plain", "/put");
    assertThat(after(noHandlerKit, object, Duration.ofMillis(12_499)).keys()).containsExactly("k");
    assertThat(after(noHandlerKit, object, Duration.ofMillis(1)).keyCount()).isZero();
    assertThat(expirations(noHandlerKit)).isEqualTo(1);
  }

  @Test
  void aNamespaceWithoutTheSettingNeverExpires() {
    ActorRef<ObjectCommand> object = neverKit.spawn("forever");
    ok(neverKit, object, "forever", "/put");
    assertThat(indexRows(neverKit, "forever")).isEmpty();
    assertThat(after(neverKit, object, Duration.ofDays(40)).keys()).containsExactly("k");
    assertThat(expirations(neverKit)).isZero();
  }

  /** Seeds the journal of {@code name} with a key and an expiry alarm set at t0 for t0 + due. */
  private static void seed(EntityTestKit on, String name, long t0, long dueInMillis) {
    ScheduledAlarm alarm = new ScheduledAlarm(AlarmRules.EXPIRY, t0, 0, t0 + dueInMillis);
    on.journal.persistForRecovery(
        on.persistenceIdOf(name),
        List.of(
            new TransactionCommitted(
                false,
                List.of(new TransactionCommitted.Change("k", "\"v\"".getBytes(UTF_8))),
                null,
                t0,
                List.of(new TransactionCommitted.AlarmChange(AlarmRules.EXPIRY, alarm)))));
  }

  @Test
  void aDeadlineSetUnderAShorterSettingIsMovedOnNotActedOn() {
    long t0 = kit.clock.millis();
    seed(kit, "raised", t0, 2_500); // set while expire-after-idle was 2s: its last call is unknown
    ActorRef<ObjectCommand> object = kit.spawn("raised");
    assertThat(after(kit, object, Duration.ofMillis(2_500)).keys()).containsExactly("k");
    awaitRows(kit, "raised", Instant.ofEpochMilli(t0 + 2_500 + 12_500));
    assertThat(after(kit, object, Duration.ofMillis(12_499)).keys()).containsExactly("k");
    assertThat(after(kit, object, Duration.ofMillis(1)).keyCount()).isZero();
  }

  @Test
  void aNamespaceThatTurnedExpiryOffDropsTheDeadlinesLeft() {
    long t0 = neverKit.clock.millis();
    seed(neverKit, "turned-off", t0, 12_500);
    ActorRef<ObjectCommand> object = neverKit.spawn("turned-off");
    assertThat(after(neverKit, object, Duration.ofMillis(12_500)).keys()).containsExactly("k");
    awaitRows(neverKit, "turned-off");
    assertThat(after(neverKit, object, Duration.ofDays(1)).keys()).containsExactly("k");
    assertThat(expirations(neverKit)).isZero();
  }

  @Test
  void callsFromClientsCountButAlarmsAdminAndLostSocketsDoNot() {
    ActorRef<FetchReply> nobody = kit.testKit.system().ignoreRef();
    Request request = Request.of("GET", "/");
    assertThat(ObjectExpiry.counts(new ObjectCommand.Fetch("x", request, List.of(), nobody)))
        .isTrue();
    assertThat(ObjectExpiry.counts(socketEvent(ObjectCommand.SocketEventKind.MESSAGE, 0, nobody)))
        .isTrue();
    assertThat(ObjectExpiry.counts(socketEvent(ObjectCommand.SocketEventKind.CLOSE, 1000, nobody)))
        .isTrue();
    assertThat(ObjectExpiry.counts(socketEvent(ObjectCommand.SocketEventKind.CLOSE, 1006, nobody)))
        .isFalse();
    assertThat(ObjectExpiry.counts(socketEvent(ObjectCommand.SocketEventKind.ERROR, 0, nobody)))
        .isFalse();
    assertThat(ObjectExpiry.counts(new InternalCommand.DeliverAlarm(nobody))).isFalse();
    assertThat(
            ObjectExpiry.counts(
                new ObjectCommand.Admin(ObjectCommand.AdminOperation.INSPECT, null, 1, nobody)))
        .isFalse();
  }

  private static ObjectCommand.SocketEvent socketEvent(
      ObjectCommand.SocketEventKind kind, int code, ActorRef<FetchReply> replyTo) {
    return new ObjectCommand.SocketEvent("x", "s1", kind, "hi", null, code, replyTo);
  }
}
