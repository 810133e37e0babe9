package io.durableobjects.core.internal.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.socket.SocketCommand;
import io.durableobjects.testsupport.Await;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An object's snapshot holds everything it stores, and must fit one Cassandra write: keys and
 * values with their framing, remembered idempotency responses and WebSocket attachments all count
 * against {@code max-snapshot-size}, and the write that would take the object over it is refused
 * with 413, whatever it is. Small limits here (64 KiB of data, a 128 KiB snapshot).
 */
class SnapshotSizeLimitTest {
  private static final long MAX_SNAPSHOT = 128 * 1024;

  private static EntityTestKit kit;
  private static SnapshotTestKit snapshots;

  /** Writes what its requests say: keys, sockets with attachments, responses of a size. */
  public static final class FillingObject implements FetchHandler {
    private final DurableObjectState state;

    public FillingObject(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      int size = Integer.parseInt(request.queryParam("size").orElse("0"));
      String filler = "x".repeat(size);
      if (request.header("Upgrade").isPresent()) {
        return state.acceptWebSocket(request, socket -> socket.serializeAttachment(filler), "t");
      }
      return switch (request.path()) {
        case "/put" -> {
          String key = request.queryParam("key").orElseThrow();
          int count = Integer.parseInt(request.queryParam("count").orElse("1"));
          int from = Integer.parseInt(request.queryParam("from").orElse("0"));
          for (int i = 0; i < count; i++) {
            // Keys "from" on, in base 36: the shortest keys, whose framing matters most.
            state.storage().put(count == 1 ? key : Integer.toString(from + i, 36), filler);
          }
          yield Response.text("stored");
        }
        case "/respond" -> Response.text(filler);
        default -> Response.status(404);
      };
    }
  }

  @BeforeAll
  static void start() {
    kit =
        new EntityTestKit(
            "SnapshotSizeLimitTest",
            FillingObject.class,
            """
            durable-objects.storage.max-object-size = 64 KiB
            durable-objects.storage.max-snapshot-size = 128 KiB
            durable-objects.idempotency.max-records-size = 32 KiB
            durable-objects.idempotency.max-response-size = 16 KiB
            durable-objects.alarms.max-per-object = 10
            durable-objects.journal.snapshot-every = 50
            """);
    snapshots = SnapshotTestKit.create(kit.testKit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdown();
  }

  @Test
  void tinyKeysCountTheirFramingAndAreRefusedBeforeTheSnapshotOutgrowsItsLimit() throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("tiny-keys");
    // 3 bytes of key and 3 of value (a tag and "") per entry, and 8 bytes of lengths in the
    // snapshot: the snapshot limit comes long before 64 KiB of keys and values (about 11 000
    // entries, 150 KiB in a snapshot). Batches of 100 keys until one is refused, then single keys.
    int batches = 0;
    while (batches < 200
        && call(object, "tiny-keys", put("b", 0, 100).withQuery(batch(batches)), null)
            instanceof FetchReply.Ok) {
      batches++;
    }
    FetchReply refused = null;
    for (int i = 0; i < 200 && refused == null; i++) {
      FetchReply reply =
          call(object, "tiny-keys", put(Integer.toString(30_000 + i, 36), 0, 1), null);
      refused = reply instanceof FetchReply.Failed ? reply : null;
    }
    assertRefused(refused, "storing key '");
    assertThat(kit.inspect(object).keyCount()).isGreaterThan(9000);
    assertSnapshotFits(object, "tiny-keys", put(Integer.toString(1296, 36), 0, 1));
  }

  @Test
  void keysAttachmentsAndRememberedResponsesFillOneSnapshotAndTheNextOfEachIsRefused()
      throws Exception {
    ActorRef<ObjectCommand> object = kit.spawn("mixed");
    // Keys up to max-object-size (its own limit, 64 KiB).
    FetchReply reply = null;
    for (int i = 0; i < 100 && !(reply instanceof FetchReply.Failed); i++) {
      reply = call(object, "mixed", put("k" + i, 4000, 1), null);
    }
    assertThat(((FetchReply.Failed) reply).message()).contains("the limit is 65536 bytes");
    // Remembered responses: 3 of 8 KiB.
    for (int i = 0; i < 3; i++) {
      reply = call(object, "mixed", respond(8000), "key-" + i);
      assertThat(reply).isInstanceOf(FetchReply.Ok.class);
    }
    // Sockets with attachments until the snapshot is full: one is refused, none is lost.
    FetchReply refused = null;
    for (int i = 0; i < 100 && refused == null; i++) {
      FetchReply accepted = upgrade(object, "mixed", "s" + i, 4000);
      refused = accepted instanceof FetchReply.Failed ? accepted : null;
    }
    assertRefused(refused, "the attachment of socket ");
    // The object is within a socket's size of its limit: the next of every kind is refused.
    assertRefused(
        call(object, "mixed", respond(8000), "one-more"),
        "remembering the response to Idempotency-Key 'one-more'");
    assertRefused(upgrade(object, "mixed", "one-more", 8000), "the attachment of socket ");
    // A request without a key, which writes nothing, is still served.
    assertThat(call(object, "mixed", respond(8000), null)).isInstanceOf(FetchReply.Ok.class);
    assertSnapshotFits(object, "mixed", put("k0", 4000, 1));
  }

  private static Request put(String key, int size, int count) {
    return Request.of("POST", "/put").withQuery("key=" + key + "&size=" + size + "&count=" + count);
  }

  private static String batch(int batch) {
    return "key=b&size=0&count=100&from=" + (1296 + 100 * batch); // 1296: "100" in base 36
  }

  private static Request respond(int size) {
    return Request.of("POST", "/respond").withQuery("size=" + size);
  }

  private static FetchReply call(
      ActorRef<ObjectCommand> object, String name, Request request, String idempotencyKey) {
    TestProbe<FetchReply> reply = kit.testKit.createTestProbe();
    Request sent =
        idempotencyKey == null ? request : request.withHeader("Idempotency-Key", idempotencyKey);
    object.tell(new ObjectCommand.Fetch(name, sent, List.of(), reply.getRef()));
    return reply.receiveMessage();
  }

  private static FetchReply upgrade(
      ActorRef<ObjectCommand> object, String name, String socketId, int attachmentSize) {
    TestProbe<FetchReply> reply = kit.testKit.createTestProbe();
    TestProbe<SocketCommand> socket = kit.testKit.createTestProbe();
    Request request =
        Request.of("GET", "/ws")
            .withQuery("size=" + attachmentSize)
            .withHeader("Upgrade", "websocket");
    object.tell(
        new ObjectCommand.Upgrade(name, request, socketId, socket.getRef(), reply.getRef()));
    return reply.receiveMessage();
  }

  private static void assertRefused(FetchReply reply, String what) {
    assertThat(reply).isInstanceOf(FetchReply.Failed.class);
    FetchReply.Failed failed = (FetchReply.Failed) reply;
    assertThat(failed.status()).isEqualTo(413);
    assertThat(failed.code()).isEqualTo("storage_limit_exceeded");
    assertThat(failed.message())
        .contains(what)
        .contains("the limit is " + MAX_SNAPSHOT + " bytes")
        .contains("durable-objects.storage.max-snapshot-size");
  }

  /**
   * The object as it stands, snapshotted (repeating {@code sameWrite}, which does not change its
   * size, until the journal takes a snapshot): its serialized form is within the limit, and the
   * admin view's bytes are its size (exactly, less the fields a snapshot of an object without
   * idempotency records leaves out).
   */
  private static void assertSnapshotFits(
      ActorRef<ObjectCommand> object, String name, Request sameWrite) throws Exception {
    long bytes = kit.inspect(object).bytes();
    String persistenceId = EntityTestKit.persistenceId(name).id();
    Object latest = null;
    for (int i = 0; i < 60 && latest == null; i++) {
      assertThat(call(object, name, sameWrite, null)).isInstanceOf(FetchReply.Ok.class);
      long seq = kit.inspect(object).lastSequenceNr();
      if (seq % 50 == 0) {
        latest =
            Await.value(
                "the snapshot at " + seq,
                Duration.ofSeconds(10),
                () ->
                    snapshots.persistedInStorage(persistenceId).stream()
                        .filter(s -> s.first().sequenceNr() == seq)
                        .map(Pair::second)
                        .findFirst());
      }
    }
    assertThat(kit.inspect(object).bytes()).isEqualTo(bytes);
    byte[] serialized = SerializationExtension.get(kit.testKit.system()).serialize(latest).get();
    assertThat((long) serialized.length)
        .isLessThanOrEqualTo(MAX_SNAPSHOT)
        .isGreaterThan(MAX_SNAPSHOT - 16 * 1024)
        .isBetween(bytes - 17, bytes);
  }
}
