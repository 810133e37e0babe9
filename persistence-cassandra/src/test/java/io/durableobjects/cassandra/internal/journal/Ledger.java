package io.durableobjects.cassandra.internal.journal;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * A list of strings, event-sourced: {@link Append} persists its texts as one atomic write (one
 * event each) and answers the list; the state is a comma-separated String so that snapshots need no
 * serializer of their own. A failed write stops it (Pekko's default).
 */
final class Ledger extends EventSourcedBehavior<Ledger.Command, String, String> {

  interface Command {}

  record Append(List<String> texts, ActorRef<String> replyTo) implements Command {}

  record Get(ActorRef<String> replyTo) implements Command {}

  private final int snapshotEvery;

  static Behavior<Command> create(PersistenceId id) {
    return new Ledger(id, 0);
  }

  /** Snapshots every {@code snapshotEvery} events, keeps one, deletes the events before it. */
  static Behavior<Command> withSnapshots(PersistenceId id, int snapshotEvery) {
    return new Ledger(id, snapshotEvery);
  }

  private Ledger(PersistenceId id, int snapshotEvery) {
    super(id);
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public String journalPluginId() {
    return "durable-objects.cassandra.journal";
  }

  @Override
  public String snapshotPluginId() {
    return "durable-objects.cassandra.plugin.snapshot";
  }

  @Override
  public String emptyState() {
    return "";
  }

  @Override
  public CommandHandler<Command, String, String> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Append.class,
            (state, append) ->
                Effect()
                    .persist(new ArrayList<>(append.texts()))
                    .thenReply(append.replyTo(), newState -> newState))
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .build();
  }

  @Override
  public EventHandler<String, String> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(String.class, (state, text) -> state.isEmpty() ? text : state + "," + text)
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return snapshotEvery == 0
        ? RetentionCriteria.disabled()
        : RetentionCriteria.snapshotEvery(snapshotEvery, 1).withDeleteEventsOnSnapshot();
  }
}
