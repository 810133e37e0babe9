package io.durableobjects.cassandra.internal.journal;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.protocol.internal.util.Bytes;
import com.typesafe.config.Config;
import io.durableobjects.cassandra.CassandraSettings;
import io.durableobjects.cassandra.internal.journal.JournalStatements.EventRow;
import io.durableobjects.cassandra.internal.journal.JournalStatements.Head;
import io.durableobjects.core.spi.JournalFencedException;
import io.durableobjects.core.spi.JournalReads;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.japi.pf.ReceiveBuilder;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import scala.PartialFunction;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;

/**
 * INTERNAL API: the objects' Pekko Persistence journal on Cassandra, with one writer per object
 * enforced by Cassandra itself.
 *
 * <p><b>Table.</b> {@code events} of the journal keyspace: partition {@code (persistence_id,
 * partition_nr)}, clustered by {@code sequence_nr} (one row per event, so there can never be two
 * events with one sequence number, numbered from 1), plus row 0 of each partition, the
 * <i>fence</i>: {@code writer}, the instance allowed to write, and {@code highest_sequence_nr}, the
 * last sequence number written (including those written into earlier partitions). See {@link
 * EventPartitions} and {@link JournalStatements} (why a row and not static columns).
 *
 * <p><b>Claim.</b> Recovery starts with {@code asyncReadHighestSequenceNr}: this journal finds the
 * current partition (the one the next event goes to) and sets its writer to this node's claim token
 * with a lightweight transaction (Paxos), conditional on the fence it read. From that moment every
 * other instance's write is refused; writes applied before it are complete (Paxos finishes any
 * accepted proposal first) and are replayed. The highest sequence number comes from the fence.
 *
 * <p><b>Writes.</b> Each atomic write is one conditional batch into the partition of its first
 * sequence number: the event rows, plus the fence set to (the instance's writer UUID, the last
 * sequence number), applied only if the fence is (this instance, the sequence number before the
 * first). The first write after a claim expects the claim token and binds the instance's writer
 * UUID. A batch that opens a new partition first creates its fence ({@code IF NOT EXISTS}): a newer
 * instance claims the partition the next event goes to, so a stale one can neither write there nor,
 * as the highest sequence number has moved on, anywhere before it. A refused write fails with
 * {@link JournalFencedException}; it was not applied and the stale instance stops.
 *
 * <p><b>Cost.</b> Activation: one lightweight transaction for a new object or one with a snapshot
 * (plus a read), two for an existing one without a snapshot. Each journal write (a group-commit
 * batch of transactions) is one lightweight transaction instead of a plain write; see the README
 * for measured figures.
 */
public final class FencedCassandraJournal extends AsyncWriteJournal {

  /** Attempts of one write whose condition met a fence that it can make way for. */
  private static final int MAX_ATTEMPTS = JournalClaims.MAX_ATTEMPTS;

  /** Claims of this node whose object has not written yet, at most this many remembered. */
  private static final int CLAIMED_HERE_LIMIT = 100_000;

  private final JournalStatements statements;
  private final EventPartitions partitions;
  private final EventDeletes deletes;
  private final int replayPageSize;
  private final Serialization serialization;
  private final Executor executor;

  private final JournalClaims claims;
  private final UnclaimedReads unclaimedReads;

  /** Written into the fence by this node's claims; unique per journal instance (node start). */
  private final String claimToken;

  /** Objects claimed by this node that have not written yet: their first write expects a claim. */
  private final Set<String> claimedHere = ConcurrentHashMap.newKeySet();

  public FencedCassandraJournal(Config config, String configPath) {
    Config root = context().system().settings().config();
    CassandraSettings settings = CassandraSettings.fromConfig(root);
    this.partitions = new EventPartitions(config.getLong("partition-size"));
    this.replayPageSize = config.getInt("replay-page-size");
    this.statements =
        new JournalStatements(
            CassandraSessionRegistry.get(context().system())
                .sessionFor(CassandraSessionSettings.create(CassandraSettings.PLUGIN_PATH)),
            settings.journalKeyspace(),
            config.getString("read-profile"),
            config.getString("write-profile"));
    this.serialization = SerializationExtension.get(context().system());
    this.executor = context().dispatcher();
    this.deletes = new EventDeletes(statements, partitions, executor);
    this.claims = new JournalClaims(statements, partitions, executor);
    this.claimToken = claims.token();
    this.unclaimedReads =
        new UnclaimedReads(
            statements,
            partitions,
            (persistenceId, from, to, max, callback) ->
                new Replay(persistenceId, to, max, callback).partition(partitions.of(from), from),
            executor);
  }

  /** {@link JournalReads.ReadEvents}: an object's events read without claiming its journal. */
  @Override
  public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
    return ReceiveBuilder.create()
        .match(
            JournalReads.ReadEvents.class,
            read -> Patterns.pipe(unclaimedReads.read(read), context().dispatcher()).to(sender()))
        .build()
        .onMessage();
  }

  // ---- recovery: claim, then replay -------------------------------------------------------

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    // fromSequenceNr is the snapshot's sequence number (0 without one): its partition exists.
    return FutureConverters.asScala(
        claims
            .claim(persistenceId, fromSequenceNr)
            .thenApply(
                highest -> {
                  if (claimedHere.size() < CLAIMED_HERE_LIMIT) {
                    claimedHere.add(persistenceId);
                  }
                  return highest;
                }));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId,
      long fromSequenceNr,
      long toSequenceNr,
      long max,
      Consumer<PersistentRepr> replayCallback) {
    Replay replay = new Replay(persistenceId, toSequenceNr, max, replayCallback);
    return FutureConverters.asScala(
        replay.partition(partitions.of(fromSequenceNr), fromSequenceNr).thenApply(done -> null));
  }

  /** One replay: the partitions from the first sequence number's to the last's, page by page. */
  private final class Replay {
    private final String persistenceId;
    private final long to;
    private final long lastPartition;
    private final Consumer<PersistentRepr> callback;
    private long remaining;
    private long lastReplayed;

    Replay(String persistenceId, long to, long max, Consumer<PersistentRepr> callback) {
      this.persistenceId = persistenceId;
      this.to = to;
      this.lastPartition = partitions.of(to);
      this.callback = callback;
      this.remaining = max;
    }

    CompletionStage<Void> partition(long partitionNr, long from) {
      if (remaining <= 0 || partitionNr > lastPartition || from > to) {
        return CompletableFuture.completedFuture(null);
      }
      return statements
          .replay(persistenceId, partitionNr, from, to, replayPageSize)
          .thenComposeAsync(page -> page(partitionNr, page), executor);
    }

    private CompletionStage<Void> page(long partitionNr, AsyncResultSet page) {
      for (Row row : page.currentPage()) {
        if (remaining <= 0) {
          return CompletableFuture.completedFuture(null);
        }
        callback.accept(toRepr(persistenceId, row));
        lastReplayed = row.getLong("sequence_nr");
        remaining--;
      }
      if (remaining > 0 && page.hasMorePages()) {
        return page.fetchNextPage().thenComposeAsync(next -> page(partitionNr, next), executor);
      }
      // A partition may hold a few sequence numbers of the next one's range (a batch is written
      // whole into the partition of its first event): continue after the last one replayed.
      return partition(partitionNr + 1, Math.max(lastReplayed + 1, 1));
    }
  }

  private PersistentRepr toRepr(String persistenceId, Row row) {
    ByteBuffer bytes = row.getByteBuffer("event");
    Object payload =
        serialization
            .deserialize(Bytes.getArray(bytes), row.getInt("ser_id"), row.getString("ser_manifest"))
            .get();
    return PersistentRepr$.MODULE$
        .apply(
            payload,
            row.getLong("sequence_nr"),
            persistenceId,
            "",
            false,
            ActorRef.noSender(),
            row.getString("writer_uuid"))
        .withTimestamp(row.getLong("written_at"));
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> writes) {
    // One persistent actor's writes, in order: each waits for the one before.
    CompletionStage<List<Optional<Exception>>> results =
        CompletableFuture.completedFuture(new ArrayList<>());
    for (AtomicWrite write : writes) {
      results =
          results.thenCompose(
              list ->
                  writeAtomically(write)
                      .thenApply(
                          result -> {
                            list.add(result);
                            return list;
                          }));
    }
    return FutureConverters.asScala(
        results.thenApply(list -> (Iterable<Optional<Exception>>) list));
  }

  /** Empty when written; an exception when rejected (not serializable); failed when not written. */
  private CompletionStage<Optional<Exception>> writeAtomically(AtomicWrite write) {
    List<PersistentRepr> events = CollectionConverters.asJava(write.payload());
    List<EventRow> rows = new ArrayList<>(events.size());
    try {
      for (PersistentRepr event : events) {
        rows.add(toRow(event));
      }
    } catch (Exception e) {
      return CompletableFuture.completedFuture(Optional.of(e)); // rejected: nothing was written
    }
    String persistenceId = write.persistenceId();
    String writer = events.get(0).writerUuid();
    String expected = claimedHere.remove(persistenceId) ? claimToken : writer;
    return attempt(persistenceId, write.lowestSequenceNr(), rows, expected, writer, 1)
        .thenApply(done -> Optional.empty());
  }

  private CompletionStage<Void> attempt(
      String persistenceId,
      long first,
      List<EventRow> rows,
      String expectedWriter,
      String writer,
      int attempt) {
    long partitionNr = partitions.of(first);
    long last = rows.get(rows.size() - 1).sequenceNr();
    return statements
        .write(persistenceId, partitionNr, rows, expectedWriter, first - 1, writer)
        .thenComposeAsync(
            outcome -> {
              if (outcome.applied()) {
                return CompletableFuture.completedFuture(null);
              }
              Optional<Head> current = outcome.current();
              if (attempt >= MAX_ATTEMPTS) {
                return fenced(persistenceId, first, last, current);
              }
              if (current.isEmpty()) {
                // The first batch of a new partition: create its fence for this writer, unless a
                // newer instance has claimed the partition already.
                return statements
                    .openPartition(persistenceId, partitionNr, writer, first - 1)
                    .thenComposeAsync(
                        opened ->
                            opened.applied()
                                ? attempt(persistenceId, first, rows, writer, writer, attempt + 1)
                                : fenced(persistenceId, first, last, opened.current()),
                        executor);
              }
              Head head = current.get();
              if (head.writer().equals(writer) && head.highest() == last) {
                return CompletableFuture.completedFuture(null); // an earlier attempt was applied
              }
              if (head.highest() == first - 1
                  && !head.writer().equals(expectedWriter)
                  && (head.writer().equals(claimToken) || head.writer().equals(writer))) {
                // Claimed by this node and not written since (or already bound to this writer).
                return attempt(persistenceId, first, rows, head.writer(), writer, attempt + 1);
              }
              return fenced(persistenceId, first, last, current);
            },
            executor);
  }

  private static <T> CompletionStage<T> fenced(
      String persistenceId, long first, long last, Optional<Head> current) {
    return CompletableFuture.failedFuture(
        new JournalFencedException(
            "refused the write of events "
                + first
                + " to "
                + last
                + " of "
                + persistenceId
                + ": another instance of the object took over its journal ("
                + current
                    .map(h -> "writer " + h.writer() + ", highest " + h.highest())
                    .orElse("no fence")
                + "); nothing was written"));
  }

  private EventRow toRow(PersistentRepr event) {
    Object payload = event.payload();
    Serializer serializer = serialization.findSerializerFor(payload);
    String manifest = Serializers.manifestFor(serializer, payload);
    byte[] bytes = serializer.toBinary(payload);
    return new EventRow(
        event.sequenceNr(),
        event.timestamp(),
        event.writerUuid(),
        serializer.identifier(),
        manifest,
        ByteBuffer.wrap(bytes));
  }

  // ---- deletes -----------------------------------------------------------------------------

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return FutureConverters.asScala(deletes.deleteTo(persistenceId, toSequenceNr));
  }
}
