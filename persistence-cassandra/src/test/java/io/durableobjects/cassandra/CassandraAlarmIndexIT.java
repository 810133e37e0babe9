package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.internal.AlarmBuckets;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.cassandra.testkit.Stages;
import io.durableobjects.cassandra.testkit.TestKeyspaces;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.AlarmIndexEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link CassandraAlarmIndex} against a real node, through the journal's session. The index is
 * global (not per namespace), so every test starts from empty tables and a new index instance.
 */
@ExtendWith(CassandraExtension.class)
class CassandraAlarmIndexIT {

  private static final TestKeyspaces keyspaces =
      TestKeyspaces.forClass(CassandraAlarmIndexIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long BUCKET = 10_000; // the reference bucket size, in ms

  private static ActorTestKit testKit;
  private static CqlSession cql;

  private CassandraAlarmIndex index;

  /** The start of a bucket an hour from now: rows from here on are in the future. */
  private Instant base;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) {
    keyspaces.create(cassandra);
    testKit = ActorTestKit.create("CassandraAlarmIndexIT", config(cassandra));
    cql = cassandra.openSession();
  }

  @AfterAll
  static void stop() {
    if (cql != null) {
      cql.close();
    }
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    keyspaces.drop(CassandraExtension.cassandra());
  }

  @BeforeEach
  void emptyIndex() {
    for (String table : List.of("alarm_index", "alarm_index_buckets", "alarm_index_rows")) {
      cql.execute(
          SimpleStatement.newInstance("TRUNCATE " + keyspaces.journalKeyspace() + "." + table)
              .setTimeout(TIMEOUT));
    }
    index = new CassandraAlarmIndex(testKit.system()); // its cache of registrations is empty too
    long inAnHour = Instant.now().plus(Duration.ofHours(1)).toEpochMilli();
    base = Instant.ofEpochMilli(inAnHour - Math.floorMod(inAnHour, BUCKET));
  }

  private static Config config(EmbeddedCassandra cassandra) {
    return keyspaces
        .config(cassandra)
        .withFallback(
            ConfigFactory.parseMap(
                Map.of("pekko.actor.provider", "local", "pekko.loglevel", "INFO")))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void theReferenceConfigurationNamesThisClassAndItStartsFromTheSystem() throws Exception {
    String className =
        testKit.system().settings().config().getString("durable-objects.alarms.index-class");
    assertThat(className).isEqualTo(CassandraAlarmIndex.class.getName());

    AlarmIndex loaded =
        (AlarmIndex)
            Class.forName(className)
                .getConstructor(ActorSystem.class)
                .newInstance(testKit.system());
    AlarmIndexEntry entry = entry("by-config", 1, base);
    await(loaded.add(entry));
    assertThat(await(index.due(base, 10))).containsExactly(entry);
  }

  @Test
  void anAddedRowIsDueFromItsDueTimeOn() {
    AlarmIndexEntry entry = entry("ns", 1, base.plusMillis(1234));
    assertThat(await(index.add(entry))).isEqualTo(Done.getInstance());

    assertThat(await(index.due(base.plusMillis(1233), 10))).isEmpty();
    assertThat(await(index.due(base.plusMillis(1234), 10))).containsExactly(entry); // inclusive
    assertThat(await(index.due(base.plus(Duration.ofDays(365)), 10))).containsExactly(entry);
    assertThat(await(index.due(Instant.MAX, 10))).containsExactly(entry);
    assertThat(await(index.due(Instant.MIN, 10))).isEmpty();
  }

  @Test
  void rowsDueAfterUpToAreLeftOut() {
    AlarmIndexEntry early = entry("ns", 1, base);
    AlarmIndexEntry sameBucketLater = entry("ns", 2, base.plusMillis(5_000));
    AlarmIndexEntry nextBucket = entry("ns", 3, base.plusMillis(BUCKET));
    List.of(early, sameBucketLater, nextBucket).forEach(e -> await(index.add(e)));

    assertThat(await(index.due(base.plusMillis(4_999), 10))).containsExactly(early);
    assertThat(await(index.due(base.plusMillis(BUCKET - 1), 10)))
        .containsExactly(early, sameBucketLater);
    assertThat(await(index.due(base.plusMillis(BUCKET), 10)))
        .containsExactly(early, sameBucketLater, nextBucket);
  }

  @Test
  void rowsComeEarliestFirstAcrossBuckets() {
    List<AlarmIndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // Three rows in each of four buckets, one bucket apart from the previous ones.
      entries.add(entry("order", i, base.plusMillis((i / 3) * BUCKET + (i % 3) * 1_000L)));
    }
    entries.add(entry("a-first", 99, base.plusMillis(2_000))); // a tie on dueAt with ID 2
    List<AlarmIndexEntry> shuffled = new ArrayList<>(entries);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.forEach(e -> await(index.add(e)));

    List<AlarmIndexEntry> due = await(index.due(base.plus(Duration.ofMinutes(1)), 100));
    assertThat(due).containsExactlyInAnyOrderElementsOf(entries);
    assertThat(due).isSortedAccordingTo(Comparator.comparing(AlarmIndexEntry::dueAt));
    assertThat(registeredBuckets()).hasSize(4);
  }

  @Test
  void theLimitHoldsAcrossBuckets() {
    List<AlarmIndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      entries.add(entry("limit", i, base.plusMillis((i / 2) * BUCKET + (i % 2) * 500L)));
    }
    entries.forEach(e -> await(index.add(e)));
    Instant upTo = base.plus(Duration.ofMinutes(10));

    assertThat(await(index.due(upTo, 1))).containsExactly(entries.get(0));
    assertThat(await(index.due(upTo, 2))).containsExactlyElementsOf(entries.subList(0, 2));
    assertThat(await(index.due(upTo, 3))).containsExactlyElementsOf(entries.subList(0, 3));
    assertThat(await(index.due(upTo, 7))).containsExactlyElementsOf(entries.subList(0, 7));
    assertThat(await(index.due(upTo, 10))).containsExactlyElementsOf(entries);
    assertThat(await(index.due(upTo, Integer.MAX_VALUE))).containsExactlyElementsOf(entries);
  }

  @Test
  void removeRemovesExactlyThatRow() {
    AlarmIndexEntry target = entry("rm", 1, base);
    AlarmIndexEntry otherTime = entry("rm", 1, base.plusMillis(1));
    AlarmIndexEntry otherId = entry("rm", 2, base);
    AlarmIndexEntry otherNamespace = entry("rm-other", 1, base);
    List.of(target, otherTime, otherId, otherNamespace).forEach(e -> await(index.add(e)));

    assertThat(await(index.remove("rm", target.id(), base))).isEqualTo(Done.getInstance());

    assertThat(await(index.due(base.plusSeconds(1), 10)))
        .containsExactlyInAnyOrder(otherTime, otherId, otherNamespace);
    assertThat(indexRows()).hasSize(3);
    assertThat(lookupRows()).isEmpty(); // only rows that were overdue when added have entries
  }

  @Test
  void removingAnAbsentRowIsFine() {
    AlarmIndexEntry entry = entry("absent", 1, base);
    assertThat(await(index.remove("absent", entry.id(), base))).isEqualTo(Done.getInstance());
    await(index.add(entry));
    await(index.remove("absent", entry.id(), base));
    assertThat(await(index.remove("absent", entry.id(), base))).isEqualTo(Done.getInstance());
    assertThat(await(index.due(Instant.MAX, 10))).isEmpty();
    assertThat(indexRows()).isEmpty();
    assertThat(lookupRows()).isEmpty();
  }

  @Test
  void aRowThatIsOverdueWhenAddedGoesIntoTheCurrentBucketAndIsDue() {
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    AlarmIndexEntry overdue = entry("late", 1, anHourAgo);
    long before = bucketOf(Instant.now());
    await(index.add(overdue));
    long after = bucketOf(Instant.now());

    assertThat(await(index.due(Instant.now(), 10))).containsExactly(overdue);
    // Also for an upTo in the past: it is not in the bucket of its due time.
    assertThat(await(index.due(anHourAgo, 10))).containsExactly(overdue);
    assertThat(await(index.due(anHourAgo.minusMillis(1), 10))).isEmpty();
    List<Row> rows = indexRows();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getLong("bucket")).isBetween(before, after);
    assertThat(rows.get(0).getLong("bucket")).isNotEqualTo(bucketOf(anHourAgo));
    // ... so its bucket is recorded for remove.
    assertThat(lookupRows())
        .singleElement()
        .satisfies(r -> assertThat(r.getLong("bucket")).isEqualTo(rows.get(0).getLong("bucket")));

    await(index.remove("late", overdue.id(), anHourAgo));
    assertThat(await(index.due(Instant.now(), 10))).isEmpty();
    assertThat(indexRows()).isEmpty();
    assertThat(lookupRows()).isEmpty();
  }

  @Test
  void addingTheSameRowTwiceKeepsOneRow() {
    AlarmIndexEntry entry = entry("twice", 1, base.plusMillis(42));
    await(index.add(entry));
    await(index.add(entry));
    assertThat(await(index.due(base.plusSeconds(1), 10))).containsExactly(entry);
    assertThat(indexRows()).hasSize(1);

    // Overdue, added at times in two different buckets: two stored rows, one row to the caller.
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
    AlarmIndexEntry overdue = entry("twice", 2, anHourAgo);
    await(index.add(overdue));
    CassandraAlarmIndex later =
        new CassandraAlarmIndex(testKit.system(), clockAt(Instant.now().plusSeconds(30)));
    await(later.add(overdue));
    assertThat(indexRows()).hasSize(3);
    assertThat(lookupRows()).hasSize(2);
    assertThat(await(index.due(Instant.now().plus(Duration.ofMinutes(1)), 10)))
        .containsExactly(overdue);

    await(index.remove("twice", overdue.id(), anHourAgo));
    assertThat(indexRows()).hasSize(1);
    assertThat(lookupRows()).isEmpty();
    assertThat(await(index.due(base.plusSeconds(1), 10))).containsExactly(entry);
  }

  @Test
  void rowsOfOneObjectAtTwoTimesAreSeparate() {
    AlarmIndexEntry first = entry("pair", 1, base.plusMillis(100));
    AlarmIndexEntry second = entry("pair", 1, base.plus(Duration.ofMinutes(3)));
    await(index.add(second));
    await(index.add(first));
    Instant upTo = base.plus(Duration.ofHours(1));
    assertThat(await(index.due(upTo, 10))).containsExactly(first, second);

    await(index.remove("pair", first.id(), first.dueAt()));
    assertThat(await(index.due(upTo, 10))).containsExactly(second);
    await(index.remove("pair", second.id(), second.dueAt()));
    assertThat(await(index.due(upTo, 10))).isEmpty();
  }

  @Test
  void theObjectNameRoundTrips() {
    AlarmIndexEntry named =
        new AlarmIndexEntry("names", id(1), Optional.of("chat-room/ä ✓"), base.plusMillis(1));
    AlarmIndexEntry nameless = new AlarmIndexEntry("names", id(2), Optional.empty(), base);
    await(index.add(named));
    await(index.add(nameless));
    assertThat(await(index.due(base.plusSeconds(1), 10))).containsExactly(nameless, named);

    // An add overwrites the whole row, the name included.
    AlarmIndexEntry renamed = new AlarmIndexEntry("names", id(1), Optional.empty(), named.dueAt());
    await(index.add(renamed));
    assertThat(await(index.due(base.plusSeconds(1), 10))).containsExactly(nameless, renamed);
  }

  @Test
  void dueTimesAreKeptToTheMillisecond() {
    Instant precise = base.plusNanos(7_654_321);
    AlarmIndexEntry entry = entry("precision", 1, precise);
    await(index.add(entry));
    assertThat(await(index.due(base.plusSeconds(1), 10)))
        .containsExactly(entry("precision", 1, base.plusMillis(7)));
    await(index.remove("precision", entry.id(), precise));
    assertThat(indexRows()).isEmpty();
  }

  @Test
  void emptyBucketsThatAreOverGetDeregistered() {
    AlarmIndexEntry emptied = entry("dereg", 1, base);
    AlarmIndexEntry alsoEmptied = entry("dereg", 2, base.plusMillis(BUCKET));
    AlarmIndexEntry kept = entry("dereg", 3, base.plusMillis(2 * BUCKET + 5_000));
    List.of(emptied, alsoEmptied, kept).forEach(e -> await(index.add(e)));
    await(index.remove("dereg", emptied.id(), emptied.dueAt()));
    await(index.remove("dereg", alsoEmptied.id(), alsoEmptied.dueAt()));
    long b0 = bucketOf(base);
    long b1 = b0 + BUCKET;
    long b2 = b0 + 2 * BUCKET;
    long ancient = bucketOf(Instant.parse("2020-01-01T00:00:00Z"));
    registerDirectly(ancient); // e.g. left by a node that crashed after registering
    assertThat(registeredBuckets()).containsExactly(ancient, b0, b1, b2);

    // Now: b0 and b1 are empty but not over yet; the ancient one is over.
    assertThat(await(index.due(base.plus(Duration.ofMinutes(10)), 10))).containsExactly(kept);
    assertThat(registeredBuckets()).containsExactly(b0, b1, b2);

    // An hour later, b0 to b2 are over.
    CassandraAlarmIndex hourLater =
        new CassandraAlarmIndex(testKit.system(), clockAt(base.plus(Duration.ofHours(1))));
    assertThat(await(hourLater.due(base.plusMillis(2 * BUCKET), 10))).isEmpty();
    // b2 was read only up to its start: its row is due later, and it stays registered.
    assertThat(registeredBuckets()).containsExactly(b2);
    assertThat(await(hourLater.due(base.plus(Duration.ofHours(1)), 10))).containsExactly(kept);

    await(index.remove("dereg", kept.id(), kept.dueAt()));
    assertThat(await(hourLater.due(base.plus(Duration.ofHours(1)), 10))).isEmpty();
    assertThat(registeredBuckets()).isEmpty();

    // A new row in a deregistered bucket's time range: overdue for the later clock, so it goes into
    // the current bucket of that clock and is found.
    AlarmIndexEntry late = entry("dereg", 4, base.plusMillis(3));
    await(hourLater.add(late));
    assertThat(await(hourLater.due(base.plus(Duration.ofHours(1)), 10))).containsExactly(late);
  }

  @Test
  void invalidArgumentsFailTheStageWithAClearMessage() {
    failsWith(index.due(base, 0)).withMessage("limit must be at least 1, but was 0");
    failsWith(index.due(base, -3)).withMessage("limit must be at least 1, but was -3");
    failsWith(index.due(null, 10)).withMessage("upTo must not be null");
    failsWith(index.add(null)).withMessage("entry must not be null");
    failsWith(index.add(new AlarmIndexEntry("", id(1), Optional.empty(), base)))
        .withMessage("entry.namespace must not be empty");
    failsWith(index.add(new AlarmIndexEntry("v", "abc", Optional.empty(), base)))
        .withMessage(
            "entry.id must be an object ID (64 lowercase hex characters), but it has 3 characters:"
                + " \"abc\"");
    failsWith(index.add(new AlarmIndexEntry("v", id(1), Optional.empty(), Instant.MAX)))
        .withMessage(
            "entry.dueAt must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, but"
                + " was "
                + Instant.MAX);
    failsWith(index.remove(null, id(1), base)).withMessage("namespace must not be null");
    failsWith(index.remove("", id(1), base)).withMessage("namespace must not be empty");
    failsWith(index.remove("v", "A".repeat(64), base))
        .withMessageStartingWith("id must be an object ID")
        .withMessageContaining("but it contains 'A' at index 0");
    failsWith(index.remove("v", null, base)).withMessage("id must not be null");
    failsWith(index.remove("v", id(1), null)).withMessage("dueAt must not be null");
    failsWith(index.remove("v", id(1), Instant.MIN))
        .withMessageStartingWith("dueAt must be between");
    assertThat(indexRows()).isEmpty();
  }

  @Test
  void manyRowsAcrossManyBucketsComeBackInOrder() {
    Random random = new Random(2026);
    List<AlarmIndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      long offset = (i % 20) * BUCKET + random.nextInt((int) BUCKET);
      entries.add(entry("many-" + (i % 3), i, base.plusMillis(offset)));
    }
    for (int from = 0; from < entries.size(); from += 250) {
      List<CompletionStage<Done>> writes = new ArrayList<>();
      entries.subList(from, from + 250).forEach(e -> writes.add(index.add(e)));
      writes.forEach(CassandraAlarmIndexIT::await);
    }
    assertThat(registeredBuckets()).hasSize(20);
    Comparator<AlarmIndexEntry> order =
        Comparator.comparing(AlarmIndexEntry::dueAt)
            .thenComparing(AlarmIndexEntry::namespace)
            .thenComparing(AlarmIndexEntry::id);
    List<AlarmIndexEntry> sorted = entries.stream().sorted(order).collect(Collectors.toList());

    Instant upTo = base.plus(Duration.ofHours(1));
    assertThat(await(index.due(upTo, 10_000))).isEqualTo(sorted);
    assertThat(await(index.due(upTo, 2_000))).isEqualTo(sorted);
    assertThat(await(index.due(upTo, 250))).isEqualTo(sorted.subList(0, 250));
    Instant middle = sorted.get(999).dueAt();
    assertThat(await(index.due(middle, 10_000)))
        .isEqualTo(sorted.stream().filter(e -> !e.dueAt().isAfter(middle)).toList());
  }

  private static AlarmIndexEntry entry(String namespace, int n, Instant dueAt) {
    return new AlarmIndexEntry(namespace, id(n), Optional.of("name-" + n), dueAt);
  }

  /** A 64-hex-character ID, distinct per {@code n}. */
  private static String id(int n) {
    return String.format("%064x", n);
  }

  private static long bucketOf(Instant time) {
    return AlarmBuckets.fromConfig(testKit.system().settings().config())
        .bucketOf(time.toEpochMilli());
  }

  private static Clock clockAt(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  private static List<Long> registeredBuckets() {
    return cql
        .execute(
            "SELECT bucket FROM "
                + keyspaces.journalKeyspace()
                + ".alarm_index_buckets WHERE kind = 'alarms'")
        .all()
        .stream()
        .map(row -> row.getLong("bucket"))
        .collect(Collectors.toList());
  }

  private static void registerDirectly(long bucket) {
    cql.execute(
        SimpleStatement.newInstance(
            "INSERT INTO "
                + keyspaces.journalKeyspace()
                + ".alarm_index_buckets (kind, bucket) VALUES ('alarms', ?)",
            bucket));
  }

  private static List<Row> indexRows() {
    return cql.execute("SELECT * FROM " + keyspaces.journalKeyspace() + ".alarm_index").all();
  }

  private static List<Row> lookupRows() {
    return cql.execute("SELECT * FROM " + keyspaces.journalKeyspace() + ".alarm_index_rows").all();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return Stages.await(stage, "the alarm index");
  }

  private static ThrowableAssertAlternative<?> failsWith(CompletionStage<?> stage) {
    return Stages.failsWithIllegalArgument(stage);
  }
}
