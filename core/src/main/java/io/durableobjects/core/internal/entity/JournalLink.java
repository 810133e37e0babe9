package io.durableobjects.core.internal.entity;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * INTERNAL API: the object actor's journal child ({@link ObjectJournal}), one incarnation after
 * another: each recovery starts a new child, and a child's death is told as {@link
 * InternalCommand.JournalStopped} with its incarnation, so that a late notice of an older one is
 * told apart.
 */
final class JournalLink {
  private final ActorContext<ObjectCommand> actor;
  private final PersistenceId persistenceId;
  private final ObjectEntity.Config config;
  private int incarnation;
  private ActorRef<ObjectJournal.Command> journal;
  // Set when the journal refused a write because another instance holds it: never recover again.
  private boolean fencedOff;

  JournalLink(
      ActorContext<ObjectCommand> actor, PersistenceId persistenceId, ObjectEntity.Config config) {
    this.actor = actor;
    this.persistenceId = persistenceId;
    this.config = config;
  }

  /** Starts a new incarnation of the journal child: it recovers, then tells the state. */
  void start() {
    incarnation++;
    journal =
        actor.spawn(
            ObjectJournal.create(persistenceId, actor.getSelf(), config), "journal-" + incarnation);
    actor.watchWith(journal, new InternalCommand.JournalStopped(incarnation));
  }

  /** Whether {@code stopped} tells of the current incarnation (older ones are gone already). */
  boolean isCurrent(InternalCommand.JournalStopped stopped) {
    return stopped.incarnation() == incarnation;
  }

  /** Persists the batch's transactions in one atomic write; the child confirms it. */
  void persist(Batch batch) {
    journal.tell(new ObjectJournal.PersistBatch(batch.id, batch.events, batch.bytes));
  }

  /** Asks the child, idle, to write a snapshot if one is due before the object stops, then stop. */
  void checkpointAndStop() {
    journal.tell(new ObjectJournal.CheckpointAndStop());
  }

  /** Stops the child, which fails the batch in flight like a journal failure. */
  void stop() {
    actor.stop(journal);
  }

  /** Another instance of the object holds the journal now. */
  void fenced() {
    fencedOff = true;
  }

  boolean fencedOff() {
    return fencedOff;
  }
}
