package io.durableobjects.core.internal.entity;

import io.durableobjects.core.internal.feed.FeedMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;

/**
 * INTERNAL API: the change feeds subscribed to one object ({@link ObjectCommand.SubscribeChanges}).
 * Each batch, once durable, goes to every subscriber as one {@link FeedMessage.Committed}, in
 * order: a feed sees only what a client could have been answered. An object without subscribers
 * pays one emptiness check per batch. Subscribers that arrive while the object recovers are
 * answered once it knows its sequence number.
 */
final class ChangeSubscribers {
  private final EntityContext ctx;
  // Made on the first subscription: most objects never have one, and each active object's bytes
  // count (bin/bench memory).
  private Set<ActorRef<FeedMessage>> subscribers = Set.of();
  private List<ActorRef<FeedMessage>> waiting = List.of();
  private Serializer serializer;

  ChangeSubscribers(EntityContext ctx) {
    this.ctx = ctx;
  }

  /**
   * A subscription: answered now with {@code durableSequenceNr}, or once recovery ends if it is
   * {@link #RECOVERING}.
   */
  void subscribe(ObjectCommand.SubscribeChanges subscribe, long durableSequenceNr) {
    ctx.identity.learn(subscribe.objectName());
    if (durableSequenceNr == RECOVERING) {
      hold(subscribe.subscriber());
    } else {
      add(subscribe.subscriber(), durableSequenceNr);
    }
  }

  /** A subscription the object cannot take in its phase (stopping, broken): to be tried again. */
  static void refuse(ObjectCommand.SubscribeChanges subscribe) {
    subscribe.subscriber().tell(new FeedMessage.Unavailable("the object is stopping"));
  }

  /** The sequence number of an object still recovering: not known yet. */
  static final long RECOVERING = -1;

  /** A subscriber, answered now: every transaction after {@code durableSequenceNr} follows. */
  private void add(ActorRef<FeedMessage> subscriber, long durableSequenceNr) {
    if (subscribers.isEmpty()) {
      subscribers = new LinkedHashSet<>();
    }
    if (subscribers.add(subscriber)) {
      ctx.actor.watchWith(subscriber, new InternalCommand.SubscriberGone(subscriber));
    }
    subscriber.tell(new FeedMessage.Subscribed(ctx.actor.getSelf(), durableSequenceNr));
  }

  /** A subscriber that arrived during recovery, answered by {@link #recovered}. */
  private void hold(ActorRef<FeedMessage> subscriber) {
    if (waiting.isEmpty()) {
      waiting = new ArrayList<>();
    }
    waiting.add(subscriber);
  }

  /** Recovery ended at {@code sequenceNr}: the subscribers that waited are answered. */
  void recovered(long sequenceNr) {
    if (!waiting.isEmpty()) {
      waiting.forEach(subscriber -> add(subscriber, sequenceNr));
      waiting = List.of();
    }
  }

  /** A subscriber stopped; the phase {@code current} goes on. */
  <T> org.apache.pekko.actor.typed.Behavior<T> removed(
      InternalCommand.SubscriberGone gone, org.apache.pekko.actor.typed.Behavior<T> current) {
    remove(gone.subscriber());
    return current;
  }

  private void remove(ActorRef<FeedMessage> subscriber) {
    if (!subscribers.isEmpty()) {
      subscribers.remove(subscriber);
    }
    if (!waiting.isEmpty()) {
      waiting.remove(subscriber);
    }
  }

  /** A batch became durable: its transactions, from {@code firstSequenceNr} on. */
  void publish(long firstSequenceNr, List<TransactionCommitted> events) {
    if (subscribers.isEmpty()) {
      return;
    }
    if (serializer == null) {
      serializer =
          SerializationExtension.get(ctx.actor.getSystem()).findSerializerFor(events.get(0));
    }
    List<byte[]> encoded = new ArrayList<>(events.size());
    for (TransactionCommitted event : events) {
      encoded.add(serializer.toBinary(event));
    }
    FeedMessage.Committed message = new FeedMessage.Committed(firstSequenceNr, encoded);
    subscribers.forEach(subscriber -> subscriber.tell(message));
  }
}
