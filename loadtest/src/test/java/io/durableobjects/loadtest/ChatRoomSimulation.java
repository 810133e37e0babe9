package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.forAll;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.WsConnectActionBuilder;
import java.time.Duration;
import java.util.BitSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * The chat room example under load, over real WebSockets: {@code rooms} fresh rooms of {@code
 * usersPerRoom} members each. Every member joins ({@code /v1/chat-room/by-name/{room}/ws}), waits
 * until everyone has had time to join, then sends {@code messagesPerUser} messages {@code pauseMs}
 * apart, each with a unique marker, and waits for the room's broadcast of its own message.
 *
 * <p>Requests in the report: "join" (the upgrade), "send" (logged by Gatling at 0 ms as the frame
 * leaves), "delivered" (the check on the member's own message coming back: its time is the delivery
 * latency from send to receipt, and it fails after {@code timeoutMs}), "ping" and "all room
 * messages" (after its last message a member waits, up to {@code drainSeconds}, until every member
 * of its room that joined has sent all its messages and it has seen them all, then pings the
 * gateway; the check on the pong fails unless the member has seen every message of its room), and
 * "leave". After the run the console shows every delivery to every member (duplicates too), per
 * second, with the fan-out latency ({@link DeliveryStats}).
 *
 * <p>System properties: {@code baseUrl} (http://127.0.0.1:8080), {@code rooms} (50), {@code
 * usersPerRoom} (10), {@code messagesPerUser} (20), {@code pauseMs} (200), {@code token} (bearer
 * token; none if empty), {@code rampSeconds} (10: members join spread over this time; sending
 * starts {@code settleSeconds} (3) later), {@code timeoutMs} (10000), {@code drainSeconds} (15),
 * {@code p99Ms} (5000: bound of the p99 of "delivered"; 2.6 s was measured on a 2-core machine),
 * {@code maxFailedPercent} (1.0: bound of the failures of each request). Room names are new for
 * every run, so rooms start without history.
 */
public class ChatRoomSimulation extends Simulation {
  private static final String BASE_URL = System.getProperty("baseUrl", "http://127.0.0.1:8080");
  private static final int ROOMS = Integer.getInteger("rooms", 50);
  private static final int USERS_PER_ROOM = Integer.getInteger("usersPerRoom", 10);
  private static final int MESSAGES_PER_USER = Integer.getInteger("messagesPerUser", 20);
  private static final int PAUSE_MS = Integer.getInteger("pauseMs", 200);
  private static final String TOKEN = System.getProperty("token", "");
  private static final int RAMP_SECONDS = Integer.getInteger("rampSeconds", 10);
  private static final int SETTLE_SECONDS = Integer.getInteger("settleSeconds", 3);
  private static final int TIMEOUT_MS = Integer.getInteger("timeoutMs", 10_000);
  private static final int DRAIN_SECONDS = Integer.getInteger("drainSeconds", 15);
  private static final int P99_MS = Integer.getInteger("p99Ms", 5000);
  private static final double MAX_FAILED_PERCENT =
      Double.parseDouble(System.getProperty("maxFailedPercent", "1.0"));

  /** The check on a member's own message: its time is the delivery latency. */
  private static final String DELIVERED = "delivered";

  private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

  private final DeliveryStats stats = new DeliveryStats();

  /** When the members start sending; set when the injection starts. */
  private volatile long sendFrom = Long.MAX_VALUE;

  private final HttpProtocolBuilder protocol =
      http.baseUrl(BASE_URL)
          .wsBaseUrl(BASE_URL.replaceFirst("^http", "ws"))
          // Keep what no check waits for (everyone else's messages) for processUnmatchedMessages.
          .wsUnmatchedInboundMessageBufferSize(USERS_PER_ROOM * MESSAGES_PER_USER + 200);

  /** Member {@code i} is {@code u<i / rooms>} in room {@code i % rooms}: rooms fill evenly. */
  private static Iterator<Map<String, Object>> members() {
    return IntStream.range(0, ROOMS * USERS_PER_ROOM)
        .mapToObj(
            i ->
                Map.<String, Object>of(
                    "room",
                    "load-" + RUN + "-" + (i % ROOMS),
                    "name",
                    "u" + (i / ROOMS),
                    "seen",
                    new BitSet()))
        .iterator();
  }

  private WsConnectActionBuilder join() {
    WsConnectActionBuilder join =
        ws("join").connect("/v1/chat-room/by-name/#{room}/ws?name=#{name}");
    return TOKEN.isEmpty() ? join : join.header("Authorization", "Bearer " + TOKEN);
  }

  /**
   * Feeds the frames received while no check was waiting (everyone else's messages, buffered by
   * Gatling) into the statistics. Gatling drops that buffer on every send, so this runs right
   * before each send: a user's actions and its WebSocket's frames run on the same event loop, so no
   * frame slips in between.
   */
  private ChainBuilder collect() {
    return exec(
        ws.processUnmatchedMessages(
            (frames, session) -> {
              String name = session.getString("name");
              BitSet seen = session.get("seen");
              for (WsInboundMessage frame : frames) {
                if (frame instanceof WsInboundMessage.Text text) {
                  stats.received(name, seen, text.message(), frame.timestamp());
                }
              }
              return session;
            }));
  }

  /**
   * A match condition that records every frame received while a check waits, and matches all of
   * them: Gatling neither buffers nor shows the frames a waiting check does not match.
   */
  private CheckBuilder.Final recordEveryFrame() {
    return bodyString()
        .transformWithSession(
            (body, session) -> {
              stats.received(
                  session.getString("name"), session.get("seen"), body, System.currentTimeMillis());
              return body;
            })
        .exists();
  }

  private Session beforeSend(Session session) {
    long now = System.currentTimeMillis();
    String room = session.getString("room");
    stats.sending(room, now);
    String name = session.getString("name");
    int index = session.getInt("i");
    return session
        .set("marker", DeliveryStats.marker(room, name, index))
        .set("text", DeliveryStats.text(room, name, index, now));
  }

  /** Messages of this member's room it has not seen (final once all members are done sending). */
  private long missing(Session session) {
    return stats.sentIn(session.getString("room")) - session.<BitSet>get("seen").cardinality();
  }

  private boolean draining(Session session) {
    return (!stats.allDoneSending(session.getString("room")) || missing(session) > 0)
        && System.currentTimeMillis() < session.getLong("drainUntil");
  }

  private final ScenarioBuilder chat =
      scenario("chat")
          .feed(members())
          .exec(join())
          .exitHereIfFailed()
          .exec(
              s -> {
                stats.joined(s.getString("room"));
                return s;
              })
          // Everyone joins before anyone sends; a random offset spreads the sends over one pause.
          .pause(
              s ->
                  Duration.ofMillis(
                      Math.max(0, sendFrom - System.currentTimeMillis())
                          + ThreadLocalRandom.current().nextInt(Math.max(1, PAUSE_MS))))
          .repeat(MESSAGES_PER_USER, "i")
          .on(
              exec(collect())
                  .exec(this::beforeSend)
                  .exec(
                      ws("send")
                          .sendText("#{text}")
                          .await(Duration.ofMillis(TIMEOUT_MS))
                          .on(
                              ws.checkTextMessage(DELIVERED)
                                  .matching(recordEveryFrame(), substring("#{marker}"))))
                  .pause(Duration.ofMillis(PAUSE_MS)))
          .exec(
              s -> {
                stats.doneSending(s.getString("room"));
                return s.set("drainUntil", System.currentTimeMillis() + DRAIN_SECONDS * 1000L);
              })
          .exec(collect())
          .asLongAs(this::draining)
          .on(pause(Duration.ofMillis(100)).exec(collect()))
          // The gateway answers "ping" itself; the check on "pong" fails unless this member has
          // seen
          // every message of its room.
          .exec(
              ws("ping")
                  .sendText("ping")
                  .await(Duration.ofMillis(TIMEOUT_MS))
                  .on(
                      ws.checkTextMessage("all room messages")
                          .matching(recordEveryFrame(), bodyString().is("pong"))
                          .check(
                              bodyString().transformWithSession((body, s) -> missing(s)).is(0L))))
          .exec(ws("leave").close());

  {
    setUp(
            chat.injectOpen(
                rampUsers(ROOMS * USERS_PER_ROOM).during(Duration.ofSeconds(RAMP_SECONDS))))
        .protocols(protocol)
        .assertions(
            forAll().failedRequests().percent().lt(MAX_FAILED_PERCENT),
            details(DELIVERED).responseTime().percentile(99.0).lt(P99_MS));
  }

  @Override
  public void before() {
    sendFrom = System.currentTimeMillis() + (RAMP_SECONDS + SETTLE_SECONDS) * 1000L;
    System.out.printf(
        Locale.ROOT,
        "ChatRoomSimulation: %s, %d rooms x %d members, %d messages each, %d ms apart (run %s)%n",
        BASE_URL,
        ROOMS,
        USERS_PER_ROOM,
        MESSAGES_PER_USER,
        PAUSE_MS,
        RUN);
  }

  @Override
  public void after() {
    System.out.println(stats.summary(USERS_PER_ROOM));
  }
}
