package io.durableobjects.core.internal.history;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.spi.JournalReads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import scala.jdk.javaapi.OptionConverters;

/**
 * INTERNAL API: reads an object's events and snapshots from the node's journal and snapshot plugins
 * while the object may be running elsewhere, without touching it: the change feed's replay, the
 * history, point-in-time reads.
 *
 * <p>A plugin that says {@code durable-objects-reads = on} (the fencing Cassandra journal) answers
 * {@link JournalReads.ReadEvents}; for any other, Pekko's replay protocol reads the events (it
 * claims nothing there). Snapshots come through Pekko's snapshot protocol.
 */
public final class JournalEvents {
  private enum ReplayTimedOut {
    INSTANCE
  }

  private final ActorSystem<?> system;
  private final ActorRef journal;
  private final ActorRef snapshots;
  private final boolean answersReads;
  private final Duration timeout;

  public JournalEvents(
      ActorSystem<?> system, String journalPluginId, String snapshotPluginId, Duration timeout) {
    this.system = system;
    Persistence persistence = Persistence.get(Adapter.toClassic(system));
    Config none = ConfigFactory.empty();
    String journalId =
        journalPluginId == null || journalPluginId.isEmpty()
            ? system.settings().config().getString("pekko.persistence.journal.plugin")
            : journalPluginId;
    this.journal = persistence.journalFor(journalId, none);
    this.snapshots =
        persistence.snapshotStoreFor(snapshotPluginId == null ? "" : snapshotPluginId, none);
    Config root = system.settings().config();
    this.answersReads =
        root.hasPath(journalId + ".durable-objects-reads")
            && root.getBoolean(journalId + ".durable-objects-reads");
    this.timeout = timeout;
  }

  /**
   * At most {@code max} events of {@code persistenceId} from {@code from} to {@code to}
   * (inclusive), with the highest sequence number written.
   */
  public CompletionStage<JournalReads.EventsRead> read(
      String persistenceId, long from, long to, int max) {
    if (answersReads) {
      return Patterns.ask(
              journal, new JournalReads.ReadEvents(persistenceId, from, to, max), timeout)
          .thenApply(reply -> (JournalReads.EventsRead) reply);
    }
    return replay(persistenceId, from, to, max);
  }

  /**
   * The latest snapshot of {@code persistenceId} at or before {@code maxSequenceNr} and written at
   * or before {@code maxTimestampMillis}, if any.
   */
  public CompletionStage<Optional<SelectedSnapshot>> snapshot(
      String persistenceId, long maxSequenceNr, long maxTimestampMillis) {
    return Patterns.ask(
            snapshots,
            new SnapshotProtocol.LoadSnapshot(
                persistenceId,
                SnapshotSelectionCriteria.create(maxSequenceNr, maxTimestampMillis),
                maxSequenceNr),
            timeout)
        .thenApply(
            reply -> {
              if (reply instanceof SnapshotProtocol.LoadSnapshotResult result) {
                return OptionConverters.toJava(result.snapshot());
              }
              if (reply instanceof SnapshotProtocol.LoadSnapshotFailed failed) {
                throw new IllegalStateException("the snapshot store failed", failed.cause());
              }
              throw new IllegalStateException("the snapshot store answered " + reply);
            });
  }

  /** Pekko's replay protocol, into a short-lived actor that collects what it is sent. */
  private CompletionStage<JournalReads.EventsRead> replay(
      String persistenceId, long from, long to, int max) {
    CompletableFuture<JournalReads.EventsRead> result = new CompletableFuture<>();
    List<JournalReads.Event> events = new ArrayList<>();
    org.apache.pekko.actor.typed.ActorRef<Object> collector =
        system.systemActorOf(
            Behaviors.<Object>setup(
                ctx -> {
                  ctx.setReceiveTimeout(timeout, ReplayTimedOut.INSTANCE); // never left behind
                  return Behaviors.receive(Object.class)
                      .onAnyMessage(
                          message -> {
                            if (message instanceof JournalProtocol.ReplayedMessage replayed) {
                              events.add(
                                  new JournalReads.Event(
                                      replayed.persistent().sequenceNr(),
                                      replayed.persistent().timestamp(),
                                      replayed.persistent().payload()));
                              return Behaviors.same();
                            }
                            if (message instanceof JournalProtocol.RecoverySuccess success) {
                              result.complete(
                                  new JournalReads.EventsRead(events, success.highestSequenceNr()));
                            } else if (message
                                instanceof JournalProtocol.ReplayMessagesFailure failure) {
                              result.completeExceptionally(failure.cause());
                            } else {
                              result.completeExceptionally(
                                  new java.util.concurrent.TimeoutException(
                                      "the journal did not replay within " + timeout));
                            }
                            return Behaviors.stopped();
                          })
                      .build();
                }),
            "journal-read-" + UUID.randomUUID(),
            Props.empty());
    journal.tell(
        new JournalProtocol.ReplayMessages(
            from, to, max, persistenceId, Adapter.toClassic(collector)),
        ActorRef.noSender());
    return result;
  }
}
