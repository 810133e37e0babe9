package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change feed's Java {@code Source} on a one-node cluster with the persistence testkit's
 * journal: live changes, a resume from a sequence number (read through Pekko's replay protocol), a
 * class's key filter and its opt-out.
 */
class ChangeFeedTest {
  private static ActorTestKit testKit;
  private static DurableObjects objects;

  /** Stores the request's body under its path. */
  public static class Writer implements FetchHandler {
    private final DurableObjectState state;

    public Writer(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      state.storage().put(request.path().substring(1), request.bodyText());
      return Response.text("ok");
    }
  }

  /** Shows only its public keys. */
  @ChangeFeed(keyPrefixes = "public/")
  public static final class PartlyPublic extends Writer {
    public PartlyPublic(DurableObjectState state) {
      super(state);
    }
  }

  /** Has no feed. */
  @ChangeFeed(enabled = false)
  public static final class Private extends Writer {
    public Private(DurableObjectState state) {
      super(state);
    }
  }

  @BeforeAll
  static void start() {
    testKit =
        TestNodes.start(
            "ChangeFeedTest",
            """
            durable-objects.namespaces.open.class = "%s"
            durable-objects.namespaces.partly.class = "%s"
            durable-objects.namespaces.private.class = "%s"
            """
                .formatted(
                    Writer.class.getName(), PartlyPublic.class.getName(), Private.class.getName()));
    objects = DurableObjects.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static DurableObjectStub stub(String namespace, String name) {
    DurableObjectNamespace ns = objects.namespace(namespace);
    return ns.get(ns.idFromName(name));
  }

  private static void put(DurableObjectStub stub, String key, String value) throws Exception {
    TestTime.await(stub.fetch(Request.of("PUT", "/" + key).withBody(value)));
  }

  private static List<String> keys(List<ObjectChange> changes) {
    return changes.stream().map(c -> c.put().get(0).key()).toList();
  }

  @Test
  void aLiveFeedSeesEachWriteAndAResumeReadsWhatItMissed() throws Exception {
    DurableObjectStub object = stub("open", "live");
    Pair<CompletionStage<Long>, CompletionStage<List<ObjectChange>>> live =
        object.changes(-1).take(2).toMat(Sink.seq(), Keep.both()).run(testKit.system());
    assertThat(TestTime.await(live.first())).isZero();
    put(object, "a", "1");
    put(object, "b", "2");
    List<ObjectChange> seen = TestTime.await(live.second());
    assertThat(keys(seen)).containsExactly("a", "b");
    assertThat(seen).extracting(ObjectChange::sequenceNr).containsExactly(1L, 2L);

    put(object, "c", "3");
    // After the first: the journal has the second and third, then the feed is live.
    List<ObjectChange> resumed =
        TestTime.await(object.changes(1).take(2).runWith(Sink.seq(), testKit.system()));
    assertThat(keys(resumed)).containsExactly("b", "c");
  }

  @Test
  void aClassShowsOnlyTheKeysItDeclares() throws Exception {
    DurableObjectStub object = stub("partly", "filtered");
    Pair<CompletionStage<Long>, CompletionStage<List<ObjectChange>>> feed =
        object.changes(-1).take(1).toMat(Sink.seq(), Keep.both()).run(testKit.system());
    TestTime.await(feed.first());
    put(object, "secret", "x");
    put(object, "public/name", "y");
    List<ObjectChange> seen = TestTime.await(feed.second());
    assertThat(keys(seen)).containsExactly("public/name");
    assertThat(seen.get(0).sequenceNr()).isEqualTo(2); // the secret write's number is skipped
  }

  @Test
  void aClassWithoutAFeedRefusesWith404() throws Exception {
    CompletionStage<List<ObjectChange>> feed =
        stub("private", "none").changes(-1).runWith(Sink.seq(), testKit.system());
    try {
      feed.toCompletableFuture()
          .get(Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      throw new AssertionError("the feed of a class without one ran");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(DurableObjectException.class);
      assertThat(((DurableObjectException) e.getCause()).status()).isEqualTo(404);
      assertThat(e.getCause().getMessage()).contains("@ChangeFeed(enabled = false)");
    }
  }
}
