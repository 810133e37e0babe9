package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.cassandra.testkit.Stages;
import io.durableobjects.cassandra.testkit.TestKeyspaces;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.ObjectCatalog;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link CassandraObjectCatalog} against a real node, through the journal's session. */
@ExtendWith(CassandraExtension.class)
class CassandraObjectCatalogIT {

  private static final TestKeyspaces keyspaces =
      TestKeyspaces.forClass(CassandraObjectCatalogIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static ActorTestKit testKit;
  private static ObjectCatalog catalog;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) {
    keyspaces.create(cassandra);
    testKit = ActorTestKit.create("CassandraObjectCatalogIT", config(cassandra));
    catalog = new CassandraObjectCatalog(testKit.system());
  }

  @AfterAll
  static void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    keyspaces.drop(CassandraExtension.cassandra());
  }

  private static Config config(EmbeddedCassandra cassandra) {
    return keyspaces
        .config(cassandra)
        .withFallback(
            ConfigFactory.parseMap(
                Map.of(
                    "pekko.actor.provider", "local",
                    "pekko.loglevel", "INFO",
                    // The plugin's 500 ms default is short for a busy 2-core CI machine.
                    "durable-objects.cassandra.plugin.healthcheck.timeout", "10s")))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void theReferenceConfigurationNamesThisClassAndItStartsFromTheSystem() throws Exception {
    String className =
        testKit.system().settings().config().getString("durable-objects.catalog.class");
    assertThat(className).isEqualTo(CassandraObjectCatalog.class.getName());

    // What a node does with the setting: a public constructor taking the ActorSystem.
    ObjectCatalog loaded =
        (ObjectCatalog)
            Class.forName(className)
                .getConstructor(ActorSystem.class)
                .newInstance(testKit.system());
    String id = hex('a', 1);
    await(loaded.record(entry("by-config", id, "x", true, T0)));
    assertThat(ids(await(catalog.list("by-config", Optional.empty(), 10)))).containsExactly(id);
  }

  @Test
  void theJournalGetsTheSessionTheCatalogStarted() {
    // The journal asks the registry for its plugin path without ".journal", with an init function
    // of its own; the registry keys sessions by path alone, so it hands back the catalog's session
    // and never runs that init.
    AtomicBoolean initRan = new AtomicBoolean();
    CassandraSession journals =
        CassandraSessionRegistry.get(testKit.system())
            .sessionFor(
                CassandraSettings.PLUGIN_PATH,
                session -> {
                  initRan.set(true);
                  return CompletableFuture.completedFuture(Done.getInstance());
                });
    assertThat(await(journals.selectOne("SELECT release_version FROM system.local"))).isPresent();
    assertThat(initRan).isFalse();
  }

  @Test
  void recordIsAnUpsertThatListReadsBack() {
    String id = hex('3', 1);
    CatalogEntry first = entry("upsert", id, "alice", true, T0);
    await(catalog.record(first));
    assertThat(await(catalog.list("upsert", Optional.empty(), 10)).entries())
        .containsExactly(first);

    CatalogEntry second = entry("upsert", id, "alice", true, T0.plusSeconds(5));
    await(catalog.record(second));
    await(catalog.record(second)); // idempotent
    CatalogPage page = await(catalog.list("upsert", Optional.empty(), 10));
    assertThat(page.entries()).containsExactly(second);
    assertThat(page.nextCursor()).isEmpty();
  }

  @Test
  void aNamelessRecordNeverErasesAKnownName() {
    String id = hex('c', 2);
    await(catalog.record(entry("names", id, "bob", true, T0)));
    await(catalog.record(nameless("names", id, false, T0.plusSeconds(1))));

    CatalogEntry listed = only(await(catalog.list("names", Optional.empty(), 10)));
    assertThat(listed.name()).contains("bob");
    assertThat(listed.hasData()).isFalse();
    assertThat(listed.updatedAt()).isEqualTo(T0.plusSeconds(1));

    // Known only later: a nameless entry gets its name when a named record comes.
    String other = hex('d', 3);
    await(catalog.record(nameless("names", other, true, T0)));
    assertThat(await(catalog.list("names", Optional.of(id), 10)).entries())
        .singleElement()
        .satisfies(e -> assertThat(e.name()).isEmpty());
    await(catalog.record(entry("names", other, "carol", true, T0.plusSeconds(1))));
    assertThat(await(catalog.list("names", Optional.of(id), 10)).entries())
        .singleElement()
        .satisfies(e -> assertThat(e.name()).contains("carol"));
  }

  @Test
  void hasDataFlipsBothWays() {
    String id = hex('0', 4);
    await(catalog.record(entry("flip", id, "n", true, T0)));
    assertThat(only(await(catalog.list("flip", Optional.empty(), 1))).hasData()).isTrue();
    await(catalog.record(nameless("flip", id, false, T0.plusMillis(1))));
    assertThat(only(await(catalog.list("flip", Optional.empty(), 1))).hasData()).isFalse();
    await(catalog.record(nameless("flip", id, true, T0.plusMillis(2))));
    assertThat(only(await(catalog.list("flip", Optional.empty(), 1))).hasData()).isTrue();
  }

  @Test
  void aLateRetryOfAnOlderRecordDoesNotOverwriteANewerOne() {
    String id = hex('7', 5);
    CatalogEntry newer = entry("retry", id, "n", false, T0.plusSeconds(10));
    await(catalog.record(newer));
    await(catalog.record(entry("retry", id, "n", true, T0))); // the older record, retried late

    assertThat(await(catalog.list("retry", Optional.empty(), 10)).entries()).containsExactly(newer);
  }

  @Test
  void pagingAcrossBucketsReturnsEveryIdOnceInAscendingOrder() {
    Random random = new Random(42);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String id = hex(random);
      // The first 16 cover every bucket; the rest are random.
      ids.add(i < 16 ? Integer.toHexString(i) + id.substring(1) : id);
    }
    List<CompletionStage<Done>> writes = new ArrayList<>();
    for (String id : ids) {
      writes.add(catalog.record(entry("paging", id, "name-" + id, true, T0)));
    }
    writes.forEach(CassandraObjectCatalogIT::await);
    List<String> sorted = new ArrayList<>(new TreeSet<>(ids));
    assertThat(sorted).hasSize(300);

    for (int pageSize : List.of(1, 7, 100, 300, 301, 1000)) {
      assertThat(readAll("paging", pageSize)).as("page size %d", pageSize).isEqualTo(sorted);
    }
  }

  @Test
  void aPageThatEndsExactlyAtTheLastEntryHasNoCursor() {
    List<String> ids = List.of(hex('1', 6), hex('5', 6), hex('5', 7), hex('f', 6));
    ids.forEach(id -> await(catalog.record(entry("exact", id, "x", true, T0))));

    CatalogPage all = await(catalog.list("exact", Optional.empty(), 4));
    assertThat(ids(all)).isEqualTo(ids);
    assertThat(all.nextCursor()).isEmpty();

    CatalogPage first = await(catalog.list("exact", Optional.empty(), 2));
    assertThat(ids(first)).isEqualTo(ids.subList(0, 2));
    assertThat(first.nextCursor()).contains(ids.get(1));
    CatalogPage second = await(catalog.list("exact", first.nextCursor(), 2));
    assertThat(ids(second)).isEqualTo(ids.subList(2, 4));
    assertThat(second.nextCursor()).isEmpty();

    // Cursors need not be recorded IDs.
    assertThat(ids(await(catalog.list("exact", Optional.of("0".repeat(64)), 10)))).isEqualTo(ids);
    assertThat(ids(await(catalog.list("exact", Optional.of(hex('5', 6)), 10))))
        .isEqualTo(ids.subList(2, 4));
    CatalogPage afterAll = await(catalog.list("exact", Optional.of("f".repeat(64)), 10));
    assertThat(afterAll.entries()).isEmpty();
    assertThat(afterAll.nextCursor()).isEmpty();

    CatalogPage unknown = await(catalog.list("never-recorded", Optional.empty(), 10));
    assertThat(unknown.entries()).isEmpty();
    assertThat(unknown.nextCursor()).isEmpty();
  }

  @Test
  void aPrefixReadsOnlyItsRangePageByPage() {
    String ab = "ab";
    List<String> ids =
        List.of(
            "aa" + "f".repeat(62),
            ab + "0".repeat(62),
            ab + "7".repeat(62),
            ab + "f".repeat(62),
            "ac" + "0".repeat(62),
            "b" + "0".repeat(63));
    ids.forEach(id -> await(catalog.record(entry("prefix", id, "x", true, T0))));

    CatalogPage first = await(catalog.list("prefix", ab, Optional.empty(), 2));
    assertThat(ids(first)).isEqualTo(ids.subList(1, 3));
    assertThat(first.nextCursor()).contains(ids.get(2));
    CatalogPage second = await(catalog.list("prefix", ab, first.nextCursor(), 2));
    assertThat(ids(second)).containsExactly(ids.get(3));
    assertThat(second.nextCursor()).isEmpty();
    // A cursor before the prefix starts at it; one after it ends the listing.
    assertThat(ids(await(catalog.list("prefix", ab, Optional.of(ids.get(0)), 10))))
        .isEqualTo(ids.subList(1, 4));
    assertThat(await(catalog.list("prefix", ab, Optional.of(ids.get(4)), 10)).entries()).isEmpty();
    // One character is one bucket; a whole ID is that object.
    assertThat(ids(await(catalog.list("prefix", "a", Optional.empty(), 10))))
        .isEqualTo(ids.subList(0, 5));
    assertThat(ids(await(catalog.list("prefix", ids.get(5), Optional.empty(), 10))))
        .containsExactly(ids.get(5));
    failsWith(catalog.list("prefix", "aX", Optional.empty(), 10))
        .withMessageContaining("'X' at index 1");
  }

  @Test
  void invalidArgumentsFailTheStageWithAClearMessage() {
    failsWith(catalog.list("v", Optional.empty(), 0))
        .withMessage("limit must be at least 1, but was 0");
    failsWith(catalog.list("v", Optional.empty(), -5))
        .withMessage("limit must be at least 1, but was -5");
    failsWith(catalog.list("v", Optional.of("abc"), 10))
        .withMessage(
            "afterId must be an object ID (64 lowercase hex characters), but it has 3 characters:"
                + " \"abc\"");
    failsWith(catalog.list("v", Optional.of("A".repeat(64)), 10))
        .withMessageContaining("but it contains 'A' at index 0");
    failsWith(catalog.list("v", Optional.of("0".repeat(63) + "g"), 10))
        .withMessageContaining("but it contains 'g' at index 63");
    failsWith(catalog.record(entry("v", "not-an-id", "x", true, T0)))
        .withMessageStartingWith("entry.id must be an object ID");
    failsWith(catalog.record(entry("v", hex('1', 9), "x", true, Instant.MAX)))
        .withMessageContaining("outside the range of a Cassandra write time");
    assertThat(await(catalog.list("v", Optional.empty(), 10)).entries()).isEmpty();
  }

  @Test
  void namespacesAreIsolated() {
    String id = hex('9', 8);
    CatalogEntry inA = entry("ns-a", id, "in-a", true, T0);
    CatalogEntry inB = entry("ns-b", id, "in-b", false, T0);
    await(catalog.record(inA));
    await(catalog.record(inB));
    await(catalog.record(entry("ns-a", hex('2', 8), "only-a", true, T0)));

    assertThat(await(catalog.list("ns-b", Optional.empty(), 10)).entries()).containsExactly(inB);
    assertThat(await(catalog.list("ns-a", Optional.empty(), 10)).entries())
        .extracting(e -> e.name().orElseThrow())
        .containsExactly("only-a", "in-a");
  }

  @Test
  void pingAnswersWhenCassandraDoes() {
    assertThat(await(catalog.ping())).isEqualTo(Done.getInstance());
    assertThat(await(catalog.ping())).isEqualTo(Done.getInstance()); // the prepared one, reused
  }

  @Test
  void pingFailsWhenCassandraIsUnreachable(EmbeddedCassandra cassandra) {
    Config unreachable =
        CassandraSettings.contactPointsConfig(List.of(new InetSocketAddress("127.0.0.1", 1)))
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        // Fail the connection at once instead of retrying it in the background
                        // beyond this test (a session that never connects cannot be closed).
                        CassandraSettings.DRIVER_PATH + ".advanced.reconnect-on-init",
                        "false",
                        "durable-objects.cassandra.plugin.healthcheck.timeout",
                        "10s")))
            .withFallback(config(cassandra));
    ActorTestKit offline = ActorTestKit.create("CassandraObjectCatalogIT-offline", unreachable);
    try {
      ObjectCatalog down = new CassandraObjectCatalog(offline.system());
      assertThat(down.ping()).failsWithin(TIMEOUT);
    } finally {
      offline.shutdownTestKit();
    }
  }

  private static List<String> readAll(String namespace, int pageSize) {
    List<String> result = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    for (int pages = 0; pages < 1000; pages++) {
      CatalogPage page = await(catalog.list(namespace, cursor, pageSize));
      assertThat(page.entries()).hasSizeLessThanOrEqualTo(pageSize);
      result.addAll(ids(page));
      if (page.nextCursor().isEmpty()) {
        return result;
      }
      // Only full pages carry a cursor, and it is their last ID.
      assertThat(page.entries()).hasSize(pageSize);
      assertThat(page.nextCursor()).contains(result.get(result.size() - 1));
      cursor = page.nextCursor();
    }
    throw new AssertionError("paging did not end");
  }

  private static CatalogEntry entry(
      String namespace, String id, String name, boolean hasData, Instant at) {
    return new CatalogEntry(namespace, id, Optional.of(name), hasData, at);
  }

  private static CatalogEntry nameless(String namespace, String id, boolean hasData, Instant at) {
    return new CatalogEntry(namespace, id, Optional.empty(), hasData, at);
  }

  private static CatalogEntry only(CatalogPage page) {
    assertThat(page.entries()).hasSize(1);
    return page.entries().get(0);
  }

  private static List<String> ids(CatalogPage page) {
    return page.entries().stream().map(CatalogEntry::id).collect(Collectors.toList());
  }

  /** A 64-hex-character ID starting with {@code first}, distinct per {@code n}. */
  private static String hex(char first, int n) {
    return first + String.format("%063x", n);
  }

  private static String hex(Random random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static <T> T await(CompletionStage<T> stage) {
    return Stages.await(stage, "the catalog");
  }

  private static ThrowableAssertAlternative<?> failsWith(CompletionStage<?> stage) {
    return Stages.failsWithIllegalArgument(stage);
  }
}
