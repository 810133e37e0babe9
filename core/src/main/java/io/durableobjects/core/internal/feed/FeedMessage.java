package io.durableobjects.core.internal.feed;

import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.serialization.DurableObjectsSerializable;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: what an object sends the change feeds subscribed to it (from any node, so
 * serialized with Jackson CBOR: a wire format).
 */
public sealed interface FeedMessage extends DurableObjectsSerializable {

  /**
   * The subscription is in place: every transaction after {@code sequenceNr} (durable now) follows
   * in {@link Committed}s, in order, until {@code entity} stops.
   */
  record Subscribed(ActorRef<ObjectCommand> entity, long sequenceNr) implements FeedMessage {}

  /**
   * Transactions that became durable: {@code transactions[i]} (serialized by the journal's
   * serializer) has sequence number {@code firstSequenceNr + i}.
   */
  record Committed(long firstSequenceNr, List<byte[]> transactions) implements FeedMessage {
    public Committed {
      transactions = List.copyOf(transactions);
    }
  }

  /** The object cannot take a subscription now (it is stopping or broken): try again shortly. */
  record Unavailable(String reason) implements FeedMessage {}
}
