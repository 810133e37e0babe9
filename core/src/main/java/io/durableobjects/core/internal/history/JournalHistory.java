package io.durableobjects.core.internal.history;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsFailure;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * INTERNAL API: deletes an object's history from its snapshot store and journal plugin: every
 * snapshot and every event up to a sequence number. An operator's delete does this once its own
 * event is durable, up to the event before it ({@link AdminHandler}), so that none of the object's
 * earlier data stays stored.
 *
 * <p>It asks the plugins the object's journal actor uses (the same plugin actors, through Pekko
 * Persistence's protocol): the snapshots first, then the events. The erasure's own event stays, so
 * that whatever a failure leaves of the history before it, replaying ends with the object empty. A
 * journal keeps the highest sequence number of deleted events (Pekko's contract); the Cassandra
 * journal deletes the event rows of every partition and keeps its fence ({@code
 * FencedCassandraJournal}).
 */
public final class JournalHistory {
  private final ActorRef journal;
  private final ActorRef snapshots;
  private final Duration timeout;

  public JournalHistory(
      org.apache.pekko.actor.typed.ActorSystem<?> system,
      String journalPluginId,
      String snapshotPluginId,
      Duration timeout) {
    Persistence persistence = Persistence.get(Adapter.toClassic(system));
    Config none = ConfigFactory.empty();
    // An empty ID is the default plugin, as for the journal actor.
    this.journal = persistence.journalFor(journalPluginId == null ? "" : journalPluginId, none);
    this.snapshots =
        persistence.snapshotStoreFor(snapshotPluginId == null ? "" : snapshotPluginId, none);
    this.timeout = timeout;
  }

  /** Deletes every snapshot, then every event, of {@code persistenceId} up to {@code toSeqNr}. */
  public CompletionStage<Void> erase(String persistenceId, long toSequenceNr) {
    return deleteSnapshots(persistenceId, toSequenceNr)
        .thenCompose(done -> deleteEvents(persistenceId, toSequenceNr));
  }

  /** Deletes the snapshots of {@code persistenceId} up to {@code toSequenceNr}. */
  public CompletionStage<Void> deleteSnapshots(String persistenceId, long toSequenceNr) {
    return Patterns.ask(
            snapshots,
            new SnapshotProtocol.DeleteSnapshots(
                persistenceId, SnapshotSelectionCriteria.create(toSequenceNr, Long.MAX_VALUE)),
            timeout)
        .thenApply(
            reply -> {
              if (!(reply instanceof DeleteSnapshotsSuccess)) {
                throw failed(
                    "its snapshots", reply instanceof DeleteSnapshotsFailure f ? f.cause() : reply);
              }
              return null;
            });
  }

  /** Deletes the events of {@code persistenceId} up to {@code toSequenceNr}. */
  public CompletionStage<Void> deleteEvents(String persistenceId, long toSequenceNr) {
    return Patterns.askWithReplyTo(
            journal,
            replyTo -> new JournalProtocol.DeleteMessagesTo(persistenceId, toSequenceNr, replyTo),
            timeout)
        .thenApply(
            reply -> {
              if (!(reply instanceof DeleteMessagesSuccess)) {
                throw failed(
                    "its events", reply instanceof DeleteMessagesFailure f ? f.cause() : reply);
              }
              return null;
            });
  }

  /**
   * Writes {@code state} as the snapshot of {@code persistenceId} at {@code sequenceNr}, taken at
   * {@code timestampMillis}: the state its journal replays to there, so recovery may start from it.
   */
  public CompletionStage<Void> saveSnapshot(
      String persistenceId, long sequenceNr, long timestampMillis, Object state) {
    return Patterns.ask(
            snapshots,
            new SnapshotProtocol.SaveSnapshot(
                new SnapshotMetadata(persistenceId, sequenceNr, timestampMillis), state),
            timeout)
        .thenApply(
            reply -> {
              if (!(reply instanceof SaveSnapshotSuccess)) {
                throw failed(
                    "a snapshot", reply instanceof SaveSnapshotFailure f ? f.cause() : reply);
              }
              return null;
            });
  }

  private static DurableObjectException failed(String what, Object why) {
    return new DurableObjectException(
        503,
        "unavailable",
        "the object's data is deleted, but the journal could not delete "
            + what
            + " ("
            + why
            + "): retry the delete");
  }
}
