package io.durableobjects.core.internal.feed;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.history.Changes;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.KeyFilter;
import io.durableobjects.core.internal.serialization.JournalSerializer;
import io.durableobjects.core.spi.JournalReads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * INTERNAL API: one change feed, at the node of its consumer: it subscribes to the object, reads
 * from the journal what the consumer has not seen up to the object's durable sequence number, then
 * passes on the transactions the object sends as they become durable, each sequence number once and
 * in order. The object's live transactions that arrive during a read wait until it is done.
 *
 * <p>When the object stops (passivation, a rebalance, its node's crash) the feed subscribes again,
 * which starts it wherever sharding puts it, and reads the gap from the journal: an open feed keeps
 * its object active. A gap the journal no longer holds (history deleted) ends the feed with 410.
 */
final class FeedSubscriber extends AbstractBehavior<Object> {
  static final int READ_PAGE = 500;
  private static final Duration RESUBSCRIBE_AFTER = Duration.ofMillis(300);
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);

  private enum Resubscribe {
    INSTANCE
  }

  private enum EntityGone {
    INSTANCE
  }

  private enum ConsumerGone {
    INSTANCE
  }

  /** A journal read's result: the events after {@code delivered} up to {@code to}. */
  private record Read(JournalReads.EventsRead read, Throwable failure, long to) {}

  private final TimerScheduler<Object> timers;
  private final EntityRef<ObjectCommand> entity;
  private final String objectName;
  private final String persistenceId;
  private final JournalEvents journal;
  private final KeyFilter filter;
  private final ActorRef<FeedOutput> out;
  private final CompletableFuture<Long> subscribed;
  private final Serialization serialization;
  private final Deque<FeedMessage.Committed> held = new ArrayDeque<>();

  /** The highest sequence number passed on (or skipped as showing nothing); -1: live, not yet. */
  private long delivered;

  /** While reading from the journal: up to this sequence number; 0: not reading. */
  private long readingTo;

  private ActorRef<ObjectCommand> watched;

  /**
   * The object a feed follows and how its changes are read.
   *
   * @param objectName the name its ID was derived from, or null
   */
  record Followed(
      EntityRef<ObjectCommand> entity,
      String objectName,
      String persistenceId,
      JournalEvents journal,
      KeyFilter filter) {}

  /**
   * A feed of {@code followed} after {@code afterSequenceNr} (-1: from now on) into {@code out};
   * {@code subscribed} completes with the object's sequence number when it takes the subscription.
   */
  static Behavior<Object> create(
      Followed followed,
      long afterSequenceNr,
      ActorRef<FeedOutput> out,
      CompletableFuture<Long> subscribed) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new FeedSubscriber(ctx, timers, followed, afterSequenceNr, out, subscribed)));
  }

  private FeedSubscriber(
      ActorContext<Object> ctx,
      TimerScheduler<Object> timers,
      Followed followed,
      long afterSequenceNr,
      ActorRef<FeedOutput> out,
      CompletableFuture<Long> subscribed) {
    super(ctx);
    this.subscribed = subscribed;
    this.timers = timers;
    this.entity = followed.entity();
    this.objectName = followed.objectName();
    this.persistenceId = followed.persistenceId();
    this.delivered = afterSequenceNr;
    this.journal = followed.journal();
    this.filter = followed.filter();
    this.out = out;
    this.serialization = SerializationExtension.get(ctx.getSystem());
    ctx.watchWith(out, ConsumerGone.INSTANCE);
    subscribe();
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessage(FeedMessage.Subscribed.class, this::onSubscribed)
        .onMessage(FeedMessage.Committed.class, this::onCommitted)
        .onMessage(FeedMessage.Unavailable.class, unavailable -> resubscribeSoon())
        .onMessage(Read.class, this::onRead)
        .onMessageEquals(EntityGone.INSTANCE, this::onEntityGone)
        .onMessageEquals(Resubscribe.INSTANCE, () -> subscribe())
        .onMessageEquals(ConsumerGone.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Object> subscribe() {
    entity.tell(new ObjectCommand.SubscribeChanges(objectName, getContext().getSelf().narrow()));
    // An answer lost with a crashing node: ask again.
    timers.startSingleTimer(Resubscribe.INSTANCE, SUBSCRIBE_TIMEOUT);
    return this;
  }

  private Behavior<Object> resubscribeSoon() {
    timers.startSingleTimer(Resubscribe.INSTANCE, RESUBSCRIBE_AFTER);
    return this;
  }

  private Behavior<Object> onEntityGone() {
    watched = null;
    return resubscribeSoon();
  }

  private Behavior<Object> onSubscribed(FeedMessage.Subscribed subscribed) {
    timers.cancel(Resubscribe.INSTANCE);
    if (watched == null) {
      this.subscribed.complete(subscribed.sequenceNr());
    } else {
      getContext().unwatch(watched);
    }
    watched = subscribed.entity();
    getContext().watchWith(watched, EntityGone.INSTANCE);
    if (delivered < 0) {
      delivered = subscribed.sequenceNr(); // live: from here on
    } else if (subscribed.sequenceNr() > delivered && readingTo == 0) {
      readUpTo(subscribed.sequenceNr());
    } else if (subscribed.sequenceNr() > readingTo && readingTo > 0) {
      readingTo = subscribed.sequenceNr(); // the read in flight goes on further
    }
    return this;
  }

  private void readUpTo(long sequenceNr) {
    readingTo = sequenceNr;
    getContext()
        .pipeToSelf(
            journal.read(persistenceId, delivered + 1, sequenceNr, READ_PAGE),
            (read, failure) -> new Read(read, failure, sequenceNr));
  }

  private Behavior<Object> onRead(Read result) {
    if (result.failure() != null) {
      return fail(
          new DurableObjectException(
              503,
              "unavailable",
              "the object's journal could not be read ("
                  + result.failure().getMessage()
                  + "); resume from the last event ID"));
    }
    JournalReads.EventsRead read = result.read();
    long expected = delivered + 1;
    boolean missing =
        read.events().isEmpty()
            ? expected <= Math.min(result.to(), read.highestSequenceNr())
            : read.events().get(0).sequenceNr() != expected;
    if (missing) {
      return fail(
          new DurableObjectException(
              410,
              "history_gone",
              "the journal no longer holds the object's transaction "
                  + expected
                  + " (its namespace's history.retention, a snapshot's cleanup or an operator's"
                  + " delete); read the object's state and follow its feed from now"));
    }
    for (JournalReads.Event event : read.events()) {
      pass(event.sequenceNr(), (TransactionCommitted) event.payload(), event.timestampMillis());
    }
    // A full page, or a subscription renewed during the read with a later sequence number.
    if (delivered < readingTo && (read.events().size() == READ_PAGE || result.to() < readingTo)) {
      readUpTo(readingTo);
      return this;
    }
    readingTo = 0;
    while (!held.isEmpty() && readingTo == 0) {
      deliver(held.removeFirst());
    }
    return this;
  }

  private Behavior<Object> onCommitted(FeedMessage.Committed committed) {
    if (readingTo > 0) {
      held.addLast(committed);
    } else {
      deliver(committed);
    }
    return this;
  }

  /** Passes on a batch's transactions after {@code delivered}; a gap is read from the journal. */
  private void deliver(FeedMessage.Committed committed) {
    for (int i = 0; i < committed.transactions().size(); i++) {
      long sequenceNr = committed.firstSequenceNr() + i;
      if (sequenceNr <= delivered) {
        continue;
      }
      if (sequenceNr > delivered + 1) { // missed while resubscribing: the journal has them
        held.addFirst(committed);
        readUpTo(sequenceNr - 1);
        return;
      }
      TransactionCommitted event =
          (TransactionCommitted)
              serialization
                  .deserialize(
                      committed.transactions().get(i),
                      JournalSerializer.IDENTIFIER,
                      JournalSerializer.TRANSACTION_MANIFEST)
                  .get();
      pass(sequenceNr, event, 0);
    }
  }

  private void pass(long sequenceNr, TransactionCommitted event, long writtenMillis) {
    Changes.of(sequenceNr, event, writtenMillis, filter)
        .ifPresent(change -> out.tell(new FeedOutput.Change(change)));
    delivered = sequenceNr;
  }

  private Behavior<Object> fail(DurableObjectException error) {
    out.tell(new FeedOutput.Failed(error));
    subscribed.completeExceptionally(error);
    return Behaviors.stopped();
  }

  /** What the feed's stream receives. */
  sealed interface FeedOutput {
    record Change(ObjectChange change) implements FeedOutput {}

    record Failed(DurableObjectException error) implements FeedOutput {}
  }
}
