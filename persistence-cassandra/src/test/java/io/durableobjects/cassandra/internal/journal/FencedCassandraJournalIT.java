package io.durableobjects.cassandra.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.cassandra.testkit.TestKeyspaces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fenced journal on a real Cassandra node. Each test runs two or three actor systems on the
 * same keyspace, standing for nodes: an instance recovered on one "node" fences off the instance of
 * the same object on another, which can then write nothing, not even into a partition that does not
 * exist yet. Partitions hold 3 events, so that batches cross and spill over them.
 */
@ExtendWith(CassandraExtension.class)
class FencedCassandraJournalIT {

  private static final TestKeyspaces keyspaces =
      TestKeyspaces.forClass(FencedCassandraJournalIT.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static CqlSession session;
  private static Config config;
  private final List<ActorTestKit> nodes = new ArrayList<>();

  @BeforeAll
  static void createSchema(EmbeddedCassandra cassandra) {
    session = cassandra.openSession();
    keyspaces.create(session);
    config =
        keyspaces
            .config(cassandra)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "pekko.actor.provider", "local",
                        "pekko.loglevel", "INFO",
                        "durable-objects.cassandra.journal.partition-size", "3")))
            .withFallback(ConfigFactory.load());
  }

  @AfterAll
  static void dropSchema() {
    if (session != null) {
      keyspaces.drop(session);
      session.close();
    }
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(ActorTestKit::shutdownTestKit);
  }

  @Test
  void eventsSurviveARestartAcrossPartitionsAndSpilledBatches() {
    PersistenceId id = newId();
    ActorTestKit first = node();
    ActorRef<Ledger.Command> ledger = first.spawn(Ledger.create(id));
    assertThat(append(first, ledger, "a")).isEqualTo("a");
    assertThat(append(first, ledger, "b", "c")).isEqualTo("a,b,c");
    // Sequence numbers 4 to 7: partition 1 (4 to 6) takes all four.
    assertThat(append(first, ledger, "d", "e", "f", "g")).isEqualTo("a,b,c,d,e,f,g");
    // Sequence number 8 opens partition 2.
    assertThat(append(first, ledger, "h")).isEqualTo("a,b,c,d,e,f,g,h");
    first.shutdownTestKit();

    ActorTestKit second = node();
    ActorRef<Ledger.Command> again = second.spawn(Ledger.create(id));
    assertThat(get(second, again)).isEqualTo("a,b,c,d,e,f,g,h");
    assertThat(append(second, again, "i")).isEqualTo("a,b,c,d,e,f,g,h,i");

    assertThat(sequenceNumbers(id)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(partitionOf(id, 7)).isEqualTo(1);
    assertThat(partitionOf(id, 9)).isEqualTo(2);
    assertThat(highest(id, 2)).isEqualTo(9);
  }

  @Test
  void aStaleInstanceCannotWriteOnceAnotherHasRecovered() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> stale = a.spawn(Ledger.create(id));
    assertThat(append(a, stale, "a1")).isEqualTo("a1");

    ActorTestKit b = node();
    ActorRef<Ledger.Command> current = b.spawn(Ledger.create(id));
    assertThat(get(b, current)).isEqualTo("a1");

    assertRefused(a, stale, "a2");
    assertThat(append(b, current, "b1")).isEqualTo("a1,b1");

    ActorTestKit c = node();
    assertThat(get(c, c.spawn(Ledger.create(id)))).isEqualTo("a1,b1");
    assertThat(sequenceNumbers(id)).containsExactly(1L, 2L);
  }

  @Test
  void aStaleInstanceCannotWriteOnceAnotherHasRecoveredFromASnapshot() {
    // With a snapshot, the claim takes the fence unconditionally (IF EXISTS), then reads it.
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> stale = a.spawn(Ledger.withSnapshots(id, 2));
    assertThat(append(a, stale, "a1", "a2")).isEqualTo("a1,a2"); // snapshot at 2, partition 0

    ActorTestKit b = node();
    ActorRef<Ledger.Command> current = b.spawn(Ledger.withSnapshots(id, 2));
    assertThat(get(b, current)).isEqualTo("a1,a2");

    assertRefused(a, stale, "a3");
    assertThat(append(b, current, "b3")).isEqualTo("a1,a2,b3");
    ActorTestKit c = node();
    assertThat(get(c, c.spawn(Ledger.withSnapshots(id, 2)))).isEqualTo("a1,a2,b3");
  }

  @Test
  void aSnapshotAtTheEndOfAFullPartitionMakesTheClaimTakeTheNextOne() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> stale = a.spawn(Ledger.withSnapshots(id, 3));
    assertThat(append(a, stale, "1", "2", "3"))
        .isEqualTo("1,2,3"); // snapshot at 3: partition 0 full

    ActorTestKit b = node();
    ActorRef<Ledger.Command> current = b.spawn(Ledger.withSnapshots(id, 3));
    assertThat(get(b, current)).isEqualTo("1,2,3"); // claims partition 1, the next one

    assertRefused(a, stale, "4a");
    assertThat(append(b, current, "4b")).isEqualTo("1,2,3,4b");
    assertThat(partitionOf(id, 4)).isEqualTo(1);
  }

  @Test
  void aStaleInstanceThatNeverWroteCannotWriteEither() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> stale = a.spawn(Ledger.create(id));
    assertThat(get(a, stale)).isEmpty();

    ActorTestKit b = node();
    ActorRef<Ledger.Command> current = b.spawn(Ledger.create(id));
    assertThat(get(b, current)).isEmpty();

    assertRefused(a, stale, "a1");
    assertThat(append(b, current, "b1")).isEqualTo("b1");
    assertThat(sequenceNumbers(id)).containsExactly(1L);
  }

  @Test
  void aStaleInstanceCannotOpenTheNextPartition() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> stale = a.spawn(Ledger.create(id));
    assertThat(append(a, stale, "1", "2", "3")).isEqualTo("1,2,3"); // partition 0 is full

    ActorTestKit b = node();
    ActorRef<Ledger.Command> current = b.spawn(Ledger.create(id));
    assertThat(get(b, current)).isEqualTo("1,2,3"); // claims partition 1, the next one

    assertRefused(a, stale, "4a");
    assertThat(append(b, current, "4b")).isEqualTo("1,2,3,4b");
    assertThat(sequenceNumbers(id)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aNewInstanceOnTheSameNodeTakesOverFromTheStoppedOne() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> first = a.spawn(Ledger.create(id));
    assertThat(append(a, first, "x")).isEqualTo("x");
    a.stop(first);

    ActorRef<Ledger.Command> second = a.spawn(Ledger.create(id));
    assertThat(append(a, second, "y")).isEqualTo("x,y");
    assertThat(append(a, second, "z")).isEqualTo("x,y,z");
    assertThat(sequenceNumbers(id)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void snapshotsAndDeletedEventsKeepTheFence() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> ledger = a.spawn(Ledger.withSnapshots(id, 2));
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      expected.add("e" + i);
      assertThat(append(a, ledger, "e" + i)).isEqualTo(String.join(",", expected));
    }
    a.shutdownTestKit();

    ActorTestKit b = node();
    ActorRef<Ledger.Command> again = b.spawn(Ledger.withSnapshots(id, 2));
    assertThat(get(b, again)).isEqualTo(String.join(",", expected));
    assertThat(append(b, again, "e10")).endsWith(",e9,e10");
    // Events up to the snapshot before the last one are gone; the rest follow without gaps.
    List<Long> kept = sequenceNumbers(id);
    assertThat(kept).isNotEmpty().endsWith(10L).hasSizeLessThan(10);
    assertThat(kept.get(kept.size() - 1) - kept.get(0) + 1).isEqualTo(kept.size());
  }

  @Test
  void anErasureDeletesTheEventsOfEveryPartitionUpToItsOwnAndKeepsTheFence() {
    PersistenceId id = newId();
    ActorTestKit a = node();
    ActorRef<Ledger.Command> ledger = a.spawn(Ledger.create(id));
    // Sequence numbers 1 to 10 in partitions 0 to 3: further back than the two partitions a
    // snapshot's delete covers.
    append(a, ledger, "1", "2", "3");
    append(a, ledger, "4", "5", "6");
    append(a, ledger, "7", "8", "9");
    assertThat(append(a, ledger, "10")).isEqualTo("1,2,3,4,5,6,7,8,9,10");
    assertThat(partitionOf(id, 10)).isEqualTo(3);

    // What an operator's delete asks once its own event (10 here) is durable.
    TestProbe<Object> deleted = a.createTestProbe();
    org.apache.pekko.persistence.Persistence.get(
            org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(a.system()))
        .journalFor("durable-objects.cassandra.journal", ConfigFactory.empty())
        .tell(
            new org.apache.pekko.persistence.JournalProtocol.DeleteMessagesTo(
                id.id(),
                9,
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(deleted.getRef())),
            org.apache.pekko.actor.ActorRef.noSender());
    deleted.expectMessage(TIMEOUT, org.apache.pekko.persistence.DeleteMessagesSuccess.apply(9));

    assertThat(sequenceNumbers(id)).containsExactly(10L);
    for (long partition = 0; partition <= 3; partition++) {
      assertThat(highest(id, partition)).as("fence of partition %d", partition).isPositive();
    }
    assertThat(highest(id, 3)).isEqualTo(10);

    // Another instance recovers what is left and goes on after it; the old one is fenced off.
    ActorTestKit b = node();
    ActorRef<Ledger.Command> current = b.spawn(Ledger.create(id));
    assertThat(get(b, current)).isEqualTo("10");
    assertRefused(a, ledger, "stale");
    assertThat(append(b, current, "11")).isEqualTo("10,11");
    assertThat(sequenceNumbers(id)).containsExactly(10L, 11L);
  }

  private ActorTestKit node() {
    ActorTestKit node = ActorTestKit.create("FencedJournal" + nodes.size(), config);
    nodes.add(node);
    return node;
  }

  private static PersistenceId newId() {
    return PersistenceId.ofUniqueId("ledger-" + UUID.randomUUID());
  }

  private static String append(
      ActorTestKit node, ActorRef<Ledger.Command> ledger, String... texts) {
    TestProbe<String> probe = node.createTestProbe();
    ledger.tell(new Ledger.Append(List.of(texts), probe.getRef()));
    return probe.expectMessageClass(String.class, TIMEOUT);
  }

  private static String get(ActorTestKit node, ActorRef<Ledger.Command> ledger) {
    TestProbe<String> probe = node.createTestProbe();
    ledger.tell(new Ledger.Get(probe.getRef()));
    return probe.expectMessageClass(String.class, TIMEOUT);
  }

  /** The write is refused: the instance stops without answering, and nothing was written. */
  private static void assertRefused(
      ActorTestKit node, ActorRef<Ledger.Command> ledger, String text) {
    TestProbe<String> probe = node.createTestProbe();
    ledger.tell(new Ledger.Append(List.of(text), probe.getRef()));
    probe.expectTerminated(ledger, TIMEOUT);
    probe.expectNoMessage(Duration.ofMillis(100));
  }

  private static List<Long> sequenceNumbers(PersistenceId id) {
    List<Long> result = new ArrayList<>();
    for (long partition = 0; partition < 10; partition++) {
      for (Row row :
          session.execute(
              "SELECT sequence_nr FROM "
                  + keyspaces.journalKeyspace()
                  + ".events WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr > 0",
              id.id(),
              partition)) {
        result.add(row.getLong("sequence_nr"));
      }
    }
    return result;
  }

  private static long partitionOf(PersistenceId id, long sequenceNr) {
    for (long partition = 0; partition < 10; partition++) {
      Row row =
          session
              .execute(
                  "SELECT sequence_nr FROM "
                      + keyspaces.journalKeyspace()
                      + ".events WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = ?",
                  id.id(),
                  partition,
                  sequenceNr)
              .one();
      if (row != null) {
        return partition;
      }
    }
    return -1;
  }

  private static long highest(PersistenceId id, long partition) {
    return session
        .execute(
            "SELECT highest_sequence_nr FROM "
                + keyspaces.journalKeyspace()
                + ".events WHERE persistence_id = ? AND partition_nr = ? AND sequence_nr = 0",
            id.id(),
            partition)
        .one()
        .getLong(0);
  }
}
