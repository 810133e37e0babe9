package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.PendingAlarm;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.internal.entity.ObjectCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alarms on one node with the in-memory journal and index, on the real clock: delivery after
 * eviction (woken by the index), the admin API's view, and validation. The scenarios that depend on
 * time (delivery while active at or after its time and once, latest set wins, rollback, named
 * alarms, retries with backoff, the drop after the last retry, re-arming, delete-all, a journal
 * failure) run on manual time in {@link AlarmTimingTest}, with the {@link AlarmObject} defined
 * here.
 */
class AlarmTest {

  /** What one delivery saw, recorded by {@link AlarmObject#alarm}. */
  record Delivery(String object, AlarmInfo info, long atMillis) {}

  static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  /** The wall clock {@link AlarmObject} reads (a manual one in the entity-level alarm tests). */
  static volatile java.time.Clock clock = java.time.Clock.systemUTC();

  /** Per "object/alarm": how many deliveries fail before one succeeds (-1: always). */
  static final Map<String, Integer> failures = new ConcurrentHashMap<>();

  /**
   * Sets alarms as its requests say: {@code POST /set?name=&in=<ms>}, {@code POST /set-then-throw},
   * {@code POST /delete?name=}, {@code POST /delete-all}, {@code POST /rearm?times=&in=}, {@code
   * GET /alarms}.
   */
  public static final class AlarmObject implements FetchHandler, AlarmHandler {
    private final DurableObjectState state;

    public AlarmObject(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      Storage storage = state.storage();
      String name = request.queryParam("name").orElse(Storage.DEFAULT_ALARM);
      long in = Long.parseLong(request.queryParam("in").orElse("0"));
      switch (request.path()) {
        case "/set" -> storage.setAlarm(name, clock.instant().plusMillis(in));
        case "/set-then-throw" -> {
          storage.setAlarm(name, clock.instant().plusMillis(in));
          storage.put("written", true);
          throw new IllegalStateException("boom after setting an alarm");
        }
        case "/delete" -> {
          return Response.text(Boolean.toString(storage.deleteAlarm(name)));
        }
        case "/delete-all" -> storage.deleteAll();
        case "/rearm" -> {
          storage.put("rearm", Integer.parseInt(request.queryParam("times").orElse("1")));
          storage.put("rearm-in", in);
          storage.setAlarm(clock.instant().plusMillis(in));
        }
        case "/get" -> {
          return Response.text(storage.getAlarm(name).map(Instant::toString).orElse("none"));
        }
        default -> {}
      }
      return Response.text(storage.listAlarms().keySet().toString());
    }

    @Override
    public void alarm(AlarmInfo info) {
      String object = state.id().name().orElse(state.id().toString());
      deliveries.add(new Delivery(object, info, clock.millis()));
      int failing = failures.getOrDefault(object + "/" + info.name(), 0);
      if (failing < 0 || info.retryCount() < failing) {
        state.storage().put("failed-write", true); // must be rolled back
        throw new IllegalStateException("alarm handler fails on purpose");
      }
      state.storage().put("fired:" + info.name(), info.scheduledTime().toEpochMilli());
      int rearm = state.storage().get("rearm", Integer.class).orElse(0);
      if (rearm > 1 && info.name().equals(Storage.DEFAULT_ALARM)) {
        state.storage().put("rearm", rearm - 1);
        long in = state.storage().get("rearm-in", Long.class).orElse(100L);
        state.storage().setAlarm(clock.instant().plusMillis(in));
      }
    }
  }

  /** Sets alarms without a handler. */
  public static final class NoHandler implements FetchHandler {
    private final DurableObjectState state;

    public NoHandler(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      state.storage().setAlarm(Instant.now().plusSeconds(60));
      return Response.text("set");
    }
  }

  private static ActorTestKit testKit;
  private static DurableObjectNamespace objects;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "AlarmTest",
            """
            pekko.cluster.sharding.number-of-shards = 4
            durable-objects.passivation.idle-timeout = 1500ms
            durable-objects.alarms {
              first-retry-delay = 200ms
              max-retries = 3
              poll-interval = 200ms
              lookahead = 500ms
              wake-retry-interval = 1s
              max-per-object = 5
            }
            durable-objects.namespaces.alarms.class = "%s"
            durable-objects.namespaces.no-handler.class = "%s"
            """
                .formatted(AlarmObject.class.getName(), NoHandler.class.getName()));
    objects = DurableObjects.get(testKit.system()).namespace("alarms");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  private static DurableObjectStub object(String name) {
    return objects.get(objects.idFromName(name));
  }

  private static Response call(DurableObjectStub stub, String method, String pathAndQuery)
      throws Exception {
    int q = pathAndQuery.indexOf('?');
    Request request =
        q < 0
            ? Request.of(method, pathAndQuery)
            : Request.of(method, pathAndQuery.substring(0, q))
                .withQuery(pathAndQuery.substring(q + 1));
    return TestTime.await(stub.fetch(request));
  }

  /** The deliveries to the object of this name, in order. */
  static List<Delivery> deliveriesOf(String object) {
    List<Delivery> result = new ArrayList<>();
    for (Delivery delivery : deliveries) {
      if (delivery.object().equals(object)) {
        result.add(delivery);
      }
    }
    return result;
  }

  private static void awaitDeliveries(String object, int count, Duration within) {
    testKit
        .createTestProbe()
        .awaitAssert(
            within,
            () -> {
              assertThat(deliveriesOf(object)).hasSizeGreaterThanOrEqualTo(count);
              return null;
            });
  }

  private static ObjectInspection inspect(String name) throws Exception {
    return DurableObjects.get(testKit.system())
        .admin()
        .inspect(objects.idFromName(name), Optional.empty(), 100)
        .toCompletableFuture()
        .get(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void anEvictedObjectIsWokenByTheIndexWhenItsAlarmIsDue() throws Exception {
    DurableObjectStub stub = object("sleeper");
    // Due well after the stop below, beyond the poller's lookahead (500 ms): the poller must not
    // wake the object before the test saw it gone.
    call(stub, "POST", "/set?in=2000");
    String id = stub.id().toString();
    // Stopped as sharding stops an object it passivates (its stop message), without waiting for
    // the idle timeout: only the index can bring it back for its alarm.
    ClusterSharding.get(testKit.system())
        .entityRefFor(ShardedNamespace.typeKey("alarms"), id)
        .tell(ObjectCommand.Stop.INSTANCE);
    TestNodes.awaitInactive(testKit, "alarms", id);
    assertThat(deliveriesOf("sleeper")).isEmpty();
    awaitDeliveries("sleeper", 1, Duration.ofSeconds(5));
    Delivery delivery = deliveriesOf("sleeper").get(0);
    assertThat(delivery.atMillis())
        .isGreaterThanOrEqualTo(delivery.info().scheduledTime().toEpochMilli());
    // Woken by its alarm, the object knows its name (the index row carries it).
    assertThat(delivery.object()).isEqualTo("sleeper");
  }

  @Test
  void theAdminViewShowsPendingAlarms() throws Exception {
    call(object("viewed"), "POST", "/set?name=later&in=600000");
    List<PendingAlarm> alarms = inspect("viewed").alarms();
    assertThat(alarms).hasSize(1);
    assertThat(alarms.get(0).name()).isEqualTo("later");
    assertThat(alarms.get(0).retryCount()).isZero();
    assertThat(alarms.get(0).nextAttempt()).isEqualTo(alarms.get(0).scheduledTime());
    assertThat(alarms.get(0).scheduledTime()).isAfter(Instant.now().plusSeconds(500));
  }

  @Test
  void badAlarmCallsAreRefusedWithAPreciseMessage() throws Exception {
    DurableObjectStub stub = object("refused");
    assertThatThrownBy(() -> call(stub, "POST", "/set?name=&in=10"))
        .cause()
        .hasMessageContaining("an alarm name must not be empty");
    assertThatThrownBy(() -> call(stub, "POST", "/set?name=" + "n".repeat(300) + "&in=10"))
        .cause()
        .hasMessageContaining("alarm name is 300 bytes of UTF-8; the limit is 256");
    for (int i = 0; i < 5; i++) {
      call(stub, "POST", "/set?name=n" + i + "&in=600000");
    }
    assertThatThrownBy(() -> call(stub, "POST", "/set?name=n5&in=600000"))
        .cause()
        .hasMessageContaining("more than 5 alarms (durable-objects.alarms.max-per-object)")
        .satisfies(e -> assertThat(((DurableObjectException) e).status()).isEqualTo(413));
    call(stub, "POST", "/set?name=n4&in=700000"); // replacing one is fine at the limit
    DurableObjectNamespace noHandler = DurableObjects.get(testKit.system()).namespace("no-handler");
    assertThatThrownBy(
            () ->
                noHandler
                    .get(noHandler.idFromName("x"))
                    .fetch(Request.of("POST", "/"))
                    .toCompletableFuture()
                    .get(TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS))
        .cause()
        .hasMessageContaining(
            "sets an alarm but implements neither AlarmHandler nor AsyncAlarmHandler");
  }
}
