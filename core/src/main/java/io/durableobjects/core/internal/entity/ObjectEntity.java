package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObject;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.NamespaceSettings;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.internal.storage.ValueCodec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.slf4j.Logger;

/**
 * INTERNAL API: the object actor, one per object ID, run as a Cluster Sharding entity.
 *
 * <p>It owns the user's object instance, the input gate (an actor handles one message at a time),
 * the working state (committed state plus writes not yet durable) and the output gate. Each
 * request runs against the working state in its own transaction; its writes become one event. The
 * first event goes to the journal child at once; events of requests that run while it is in flight
 * are collected and written together as the next batch (group commit). Replies are released only
 * when the batch that holds the writes they may have seen is durable.
 *
 * <p>Phases: <i>recovering</i> (the journal child replays the committed state; requests are
 * stashed) and <i>running</i>. A journal failure fails every waiting reply with a retryable error
 * and returns to recovering with a fresh object instance, so nothing that was not durable is ever
 * visible afterwards.
 */
public final class ObjectEntity extends AbstractBehavior<ObjectCommand> {

  /** What an entity needs beyond its ID. */
  public record Config(
      NamespaceSettings namespace,
      ValueCodec codec,
      int snapshotEvery,
      int keepSnapshots,
      int stashCapacity,
      String journalPluginId,
      String snapshotPluginId) {}

  private final Config config;
  private final String hex;
  private final PersistenceId persistenceId;
  private final StashBuffer<ObjectCommand> stash;
  private final Logger log;

  private String objectName;
  private int incarnation;
  private ActorRef<ObjectJournal.Command> journal;
  private boolean recovering = true;
  private boolean stopping;

  private DurableObject instance;
  private ObjectStorage storage;
  private KeyValueState working;

  private long nextBatchId = 1;
  private Batch open = new Batch(nextBatchId++);
  private Batch inFlight;

  public static Behavior<ObjectCommand> create(Config config, PersistenceId persistenceId, String hex) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withStash(
                config.stashCapacity(),
                stash -> new ObjectEntity(ctx, stash, config, persistenceId, hex)));
  }

  private ObjectEntity(
      ActorContext<ObjectCommand> context,
      StashBuffer<ObjectCommand> stash,
      Config config,
      PersistenceId persistenceId,
      String hex) {
    super(context);
    this.config = config;
    this.hex = hex;
    this.persistenceId = persistenceId;
    this.stash = stash;
    this.log = context.getLog();
    startJournal();
  }

  @Override
  public Receive<ObjectCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ObjectCommand.Fetch.class, this::onFetch)
        .onMessage(ObjectCommand.JournalRecovered.class, this::onRecovered)
        .onMessage(ObjectCommand.BatchPersisted.class, this::onBatchPersisted)
        .onMessage(ObjectCommand.JournalStopped.class, this::onJournalStopped)
        .onMessageEquals(ObjectCommand.Stop.INSTANCE, this::onStop)
        .build();
  }

  private void startJournal() {
    incarnation++;
    recovering = true;
    journal =
        getContext()
            .spawn(
                ObjectJournal.create(persistenceId, getContext().getSelf(), config),
                "journal-" + incarnation);
    getContext().watchWith(journal, new ObjectCommand.JournalStopped(incarnation));
  }

  private Behavior<ObjectCommand> onFetch(ObjectCommand.Fetch fetch) {
    learnName(fetch.objectName());
    if (recovering) {
      if (stash.isFull()) {
        fetch
            .replyTo()
            .tell(
                FetchReply.Failed.of(
                    new ObjectUnavailableException(
                        "object is still starting and has too many waiting requests")));
      } else {
        stash.stash(fetch);
      }
      return this;
    }
    handle(fetch);
    return this;
  }

  private void learnName(String name) {
    if (objectName == null && name != null && ObjectIds.fromName(config.namespace().name(), name).equals(hex)) {
      objectName = name;
    }
  }

  private Behavior<ObjectCommand> onRecovered(ObjectCommand.JournalRecovered recovered) {
    working = recovered.state().data();
    storage = new ObjectStorage(config.codec());
    DurableObjectId id = DurableObjectId.internalCreate(config.namespace().name(), hex, objectName);
    TransactionalStorage tx = storage.begin(working);
    try {
      instance = config.namespace().newInstance(new ObjectStateImpl(id, storage));
    } catch (Throwable t) {
      rethrowIfFatal(t);
      log.error("Constructor of {} failed for object {}", config.namespace().objectClass().getName(), hex, t);
      failStashed(new ObjectFailedException("the object's constructor threw " + describe(t)));
      return Behaviors.stopped();
    } finally {
      storage.end();
    }
    if (tx.hasChanges()) {
      working = tx.result();
      open.events.add(tx.toEvent());
      flush();
    }
    recovering = false;
    log.debug("Object {} recovered at sequence number {}", hex, recovered.lastSequenceNr());
    return stash.unstashAll(this);
  }

  private void handle(ObjectCommand.Fetch fetch) {
    TransactionalStorage tx = storage.begin(working);
    Response response;
    try {
      response = instance.fetch(fetch.request());
      if (response == null) {
        throw new ObjectFailedException("fetch returned null instead of a Response");
      }
    } catch (Throwable t) {
      rethrowIfFatal(t);
      // The transaction is simply dropped: the working state is exactly as before the request.
      replyFailure(fetch, t);
      return;
    } finally {
      storage.end();
    }
    Batch.PendingReply reply = new Batch.PendingReply(fetch.replyTo(), new FetchReply.Ok(response));
    if (tx.hasChanges()) {
      working = tx.result();
      open.events.add(tx.toEvent());
      open.waiters.add(reply);
      if (inFlight == null) {
        flush();
      }
    } else if (open.hasEvents()) {
      open.waiters.add(reply); // it read writes that are not durable yet
    } else if (inFlight != null) {
      inFlight.waiters.add(reply);
    } else {
      reply.send();
    }
  }

  private void replyFailure(ObjectCommand.Fetch fetch, Throwable t) {
    DurableObjectException error;
    if (t instanceof DurableObjectException e) {
      error = e;
      log.info("Object {} refused {}: {}", hex, fetch.request(), e.getMessage());
    } else {
      error = new ObjectFailedException("the object's code threw " + describe(t));
      log.warn("Object {} failed to handle {}", hex, fetch.request(), t);
    }
    FetchReply reply = FetchReply.Failed.of(error);
    // A failure reveals nothing unconfirmed, but keep replies in order behind pending ones.
    if (open.hasEvents()) {
      open.waiters.add(new Batch.PendingReply(fetch.replyTo(), reply));
    } else if (inFlight != null) {
      inFlight.waiters.add(new Batch.PendingReply(fetch.replyTo(), reply));
    } else {
      fetch.replyTo().tell(reply);
    }
  }

  private void flush() {
    inFlight = open;
    open = new Batch(nextBatchId++);
    journal.tell(new ObjectJournal.PersistBatch(inFlight.id, inFlight.events));
  }

  private Behavior<ObjectCommand> onBatchPersisted(ObjectCommand.BatchPersisted persisted) {
    if (inFlight == null || inFlight.id != persisted.batchId()) {
      return this; // from a journal incarnation that has been replaced
    }
    inFlight.waiters.forEach(Batch.PendingReply::send);
    inFlight = null;
    if (open.hasEvents()) {
      flush();
    }
    if (stopping && inFlight == null) {
      return Behaviors.stopped();
    }
    return this;
  }

  private Behavior<ObjectCommand> onJournalStopped(ObjectCommand.JournalStopped stopped) {
    if (stopped.incarnation() != incarnation) {
      return this;
    }
    ObjectUnavailableException error =
        new ObjectUnavailableException(
            recovering
                ? "the object's state could not be recovered from the journal; retry later"
                : "the object's journal did not confirm the write; it was not acknowledged, retry later");
    if (recovering) {
      log.error("Recovery of object {} failed; stopping it", hex);
      failStashed(error);
      return Behaviors.stopped();
    }
    log.error("Journal of object {} failed; failing waiting requests and recovering again", hex);
    FetchReply reply = FetchReply.Failed.of(error);
    if (inFlight != null) {
      inFlight.waiters.forEach(w -> w.replyTo().tell(reply));
    }
    open.waiters.forEach(w -> w.replyTo().tell(reply));
    inFlight = null;
    open = new Batch(nextBatchId++);
    instance = null;
    working = null;
    if (stopping) {
      return Behaviors.stopped();
    }
    startJournal();
    return this;
  }

  private Behavior<ObjectCommand> onStop() {
    if (recovering) {
      failStashed(new ObjectUnavailableException("the object was stopped while starting; retry"));
      return Behaviors.stopped();
    }
    if (inFlight == null && open.isEmpty()) {
      return Behaviors.stopped();
    }
    stopping = true; // finish the writes in flight first, so that their replies are sent
    return this;
  }

  private void failStashed(DurableObjectException error) {
    FetchReply reply = FetchReply.Failed.of(error);
    stash.forEach(
        message -> {
          if (message instanceof ObjectCommand.Fetch fetch) {
            fetch.replyTo().tell(reply);
          }
        });
    stash.clear();
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getName() + (message == null ? "" : ": " + message);
  }

  private static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError error) {
      throw error;
    }
  }
}
