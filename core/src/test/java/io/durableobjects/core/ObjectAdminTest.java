package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator API on a one-node cluster: inspection and delete-all go through the object's input
 * gate, the catalog follows objects gaining and losing data, and the runtime's meters count.
 */
class ObjectAdminTest {
  private static ActorTestKit testKit;
  private static DurableObjects objects;

  /** Stores text under the path's key, or bytes under "/bytes/...". */
  public static final class KeyValueObject implements FetchHandler {
    private final DurableObjectState state;

    public KeyValueObject(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public Response fetch(Request request) {
      String path = request.path();
      if (path.equals("/big")) {
        state.storage().put("big", "written before the answer");
        return Response.bytes(new byte[Integer.parseInt(request.queryParam("n").orElse("0"))]);
      }
      if (path.startsWith("/bytes/")) {
        state.storage().put(path.substring(7), request.body());
      } else if (request.method().equals("PUT")) {
        state.storage().put(path.substring(1), request.bodyText());
      }
      return Response.text(Integer.toString(state.storage().list(Object.class).size()));
    }
  }

  @BeforeAll
  static void start() {
    testKit =
        TestNodes.start(
            "ObjectAdminTest",
            """
            durable-objects.namespaces.kv.class = "%s"
            durable-objects.entity.max-response-size = 100 KiB
            durable-objects.journal.snapshot-every = 5
            durable-objects.journal.delete-events-on-snapshot = off
            """
                .formatted(KeyValueObject.class.getName()));
    objects = DurableObjects.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return TestTime.await(stage);
  }

  private static void put(DurableObjectId id, String key, String value) throws Exception {
    await(objects.namespace("kv").get(id).fetch(Request.of("PUT", "/" + key).withBody(value)));
  }

  @Test
  void inspectionShowsMetadataAndPagesThroughEntriesInKeyOrder() throws Exception {
    DurableObjectNamespace kv = objects.namespace("kv");
    DurableObjectId id = kv.idFromName("inspected");
    Instant before = Instant.now().minusMillis(1);
    for (String key : List.of("c", "a", "b", "e", "d")) {
      put(id, key, "value-" + key);
    }
    await(
        kv.get(id)
            .fetch(Request.of("POST", "/bytes/raw").withBody(new byte[] {0, 1, (byte) 0xff})));
    ObjectAdmin admin = objects.admin();
    assertThat(admin.namespaces()).containsEntry("kv", KeyValueObject.class.getName());

    ObjectInspection first = await(admin.inspect(id, Optional.empty(), 4));
    assertThat(first.name()).contains("inspected");
    assertThat(first.keyCount()).isEqualTo(6);
    assertThat(first.bytes()).isPositive();
    assertThat(first.lastSequenceNr()).isEqualTo(6);
    assertThat(first.lastWriteTime()).hasValueSatisfying(t -> assertThat(t).isAfter(before));
    assertThat(first.entries()).extracting(StoredEntry::key).containsExactly("a", "b", "c", "d");
    assertThat(first.entries().get(0).json()).contains("\"value-a\"");
    assertThat(first.nextCursor()).contains("d");

    ObjectInspection second = await(admin.inspect(id, first.nextCursor(), 4));
    assertThat(second.entries()).extracting(StoredEntry::key).containsExactly("e", "raw");
    assertThat(second.entries().get(1).bytes())
        .hasValueSatisfying(b -> assertThat(b).containsExactly(0, 1, 0xff));
    assertThat(second.nextCursor()).isEmpty();
  }

  @Test
  void largeValuesEndAPageEarlySoThatItFitsOneRemotingFrame() throws Exception {
    DurableObjectId id = objects.namespace("kv").idFromName("large-values");
    for (String key : List.of("a", "b", "c", "d")) {
      put(id, key, "x".repeat(60 * 1024));
    }
    ObjectInspection first = await(objects.admin().inspect(id, Optional.empty(), 100));
    assertThat(first.entries()).extracting(StoredEntry::key).containsExactly("a", "b");
    ObjectInspection second = await(objects.admin().inspect(id, first.nextCursor(), 100));
    assertThat(second.entries()).extracting(StoredEntry::key).containsExactly("c", "d");
    assertThat(second.nextCursor()).isEmpty();
  }

  @Test
  void anAnswerAboveTheResponseLimitFailsAndItsWritesAreNotApplied() throws Exception {
    DurableObjectNamespace kv = objects.namespace("kv");
    DurableObjectId id = kv.idFromName("big-answer");
    assertThatThrownBy(
            () -> await(kv.get(id).fetch(Request.of("GET", "/big").withQuery("n=" + 200 * 1024))))
        .hasCauseInstanceOf(DurableObjectException.class)
        .cause()
        .satisfies(
            e -> {
              DurableObjectException failure = (DurableObjectException) e;
              assertThat(failure.status()).isEqualTo(500);
              assertThat(failure.code()).isEqualTo("response_too_large");
              assertThat(failure.getMessage()).contains("204800 bytes").contains("102400");
            });
    assertThat(await(objects.admin().inspect(id, Optional.empty(), 10)).keyCount()).isZero();
    Response small = await(kv.get(id).fetch(Request.of("GET", "/big").withQuery("n=" + 50 * 1024)));
    assertThat(small.bodyLength()).isEqualTo(50 * 1024);
    assertThat(await(objects.admin().inspect(id, Optional.empty(), 10)).keyCount()).isEqualTo(1);
  }

  @Test
  void deleteAllEmptiesTheObjectDurablyAndTheCatalogFollows() throws Exception {
    DurableObjectNamespace kv = objects.namespace("kv");
    DurableObjectId id = kv.idFromName("to-delete");
    put(id, "x", "1");
    put(id, "y", "2");
    awaitCatalog(id, true);

    assertThat(await(objects.admin().deleteAll(id))).isEqualTo(2);
    ObjectInspection after = await(objects.admin().inspect(id, Optional.empty(), 10));
    assertThat(after.keyCount()).isZero();
    assertThat(after.entries()).isEmpty();
    assertThat(after.lastSequenceNr()).isEqualTo(3);
    awaitCatalog(id, false);
    // The object itself sees the deletion.
    Response count = await(kv.get(id).fetch(Request.of("GET", "/")));
    assertThat(count.bodyText()).isEqualTo("0");
  }

  @Test
  void anOperatorsDeleteErasesTheRememberedKeysAndTheJournalHistory() throws Exception {
    DurableObjectNamespace kv = objects.namespace("kv");
    DurableObjectId id = kv.idFromName("erased");
    String persistenceId = "durable-object-kv|" + id;
    for (int i = 1; i <= 6; i++) {
      Request put = Request.of("PUT", "/key-" + i).withBody("personal data " + i);
      assertThat(await(kv.get(id).fetch(put.withHeader("Idempotency-Key", "put-" + i))).bodyText())
          .isEqualTo(Integer.toString(i));
    }
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    SnapshotTestKit snapshots = SnapshotTestKit.create(testKit.system());
    assertThat(journal.persistedInStorage(persistenceId)).hasSize(6);
    testKit
        .createTestProbe()
        .awaitAssert(
            TestTime.PROMPT,
            () -> assertThat(snapshots.persistedInStorage(persistenceId)).isNotEmpty());

    assertThat(await(objects.admin().deleteAll(id))).isEqualTo(6);

    // Answered once the history is gone: only the erasure's own event is left, which empties the
    // object whatever is replayed before it, and no snapshot.
    List<Object> left = journal.persistedInStorage(persistenceId);
    assertThat(left).singleElement().isInstanceOf(TransactionCommitted.class);
    TransactionCommitted erasure = (TransactionCommitted) left.get(0);
    assertThat(erasure.deleteAll()).isTrue();
    assertThat(erasure.forgetsRemembered()).isTrue();
    assertThat(erasure.changes()).isEmpty();
    assertThat(snapshots.persistedInStorage(persistenceId)).isEmpty();
    assertThat(await(objects.admin().inspect(id, Optional.empty(), 10)).lastSequenceNr())
        .isEqualTo(7);

    // The remembered responses are gone too: a retry of a key is a new request.
    Request again = Request.of("PUT", "/key-1").withBody("personal data 1");
    Response retried = await(kv.get(id).fetch(again.withHeader("Idempotency-Key", "put-1")));
    assertThat(retried.header("Idempotent-Replayed")).isEmpty();
    assertThat(retried.bodyText()).isEqualTo("1");
    assertThat(journal.persistedInStorage(persistenceId)).hasSize(2);
  }

  @Test
  void objectsThatNeverHeldDataStayOutOfTheCatalog() throws Exception {
    DurableObjectNamespace kv = objects.namespace("kv");
    DurableObjectId id = kv.idFromName("only-read");
    await(kv.get(id).fetch(Request.of("GET", "/")));
    assertThat(await(objects.admin().inspect(id, Optional.empty(), 1)).keyCount()).isZero();
    assertThat(allEntries()).extracting(CatalogEntry::id).doesNotContain(id.toString());
  }

  @Test
  void listingPagesThroughAllObjectsInIdOrder() throws Exception {
    DurableObjectNamespace kv = objects.namespace("kv");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      DurableObjectId id = kv.idFromName("listed-" + i);
      put(id, "k", "v");
      ids.add(id.toString());
    }
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(allEntries()).extracting(CatalogEntry::id).containsAll(ids);
              return null;
            });
    List<CatalogEntry> all = allEntries();
    assertThat(all).extracting(CatalogEntry::id).isSorted().doesNotHaveDuplicates();
    assertThat(all)
        .filteredOn(e -> ids.contains(e.id()))
        .allSatisfy(
            e -> {
              assertThat(e.hasData()).isTrue();
              assertThat(e.name()).hasValueSatisfying(n -> assertThat(n).startsWith("listed-"));
            });
  }

  @Test
  void badPagesAndUnknownNamespacesAreRefused() {
    ObjectAdmin admin = objects.admin();
    assertThatThrownBy(() -> admin.listObjects("kv", Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(() -> admin.listObjects("kv", Optional.of("zz"), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
    assertThatThrownBy(() -> admin.listObjects("nope", Optional.empty(), 10))
        .isInstanceOf(UnknownNamespaceException.class);
    DurableObjectId id = objects.namespace("kv").idFromName("x");
    assertThatThrownBy(() -> admin.inspect(id, Optional.empty(), 1001))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRuntimeMetersCountActivationsAndJournalWrites() throws Exception {
    var registry = objects.meterRegistry();
    var simple = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    // Meters registered before are added to it too; it counts from now on.
    registry.add(simple);
    put(objects.namespace("kv").idFromName("metered"), "k", "v");
    assertThat(simple.get("durable_objects.activations").tag("namespace", "kv").timer().count())
        .isPositive();
    assertThat(simple.get("durable_objects.journal.writes").tag("namespace", "kv").timer().count())
        .isPositive();
    assertThat(simple.get("durable_objects.objects.active").tag("namespace", "kv").gauge().value())
        .isPositive();
    assertThat(
            simple
                .get("durable_objects.journal.batch.size")
                .tag("namespace", "kv")
                .summary()
                .count())
        .isPositive();
    registry.remove(simple);
  }

  private static List<CatalogEntry> allEntries() throws Exception {
    List<CatalogEntry> all = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      CatalogPage page = await(objects.admin().listObjects("kv", cursor, 2));
      all.addAll(page.entries());
      cursor = page.nextCursor();
    } while (cursor.isPresent());
    return all;
  }

  private static void awaitCatalog(DurableObjectId id, boolean hasData) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertThat(allEntries())
                  .filteredOn(e -> e.id().equals(id.toString()))
                  .singleElement()
                  .extracting(CatalogEntry::hasData)
                  .isEqualTo(hasData);
              return null;
            });
  }
}
