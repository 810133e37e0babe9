package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Request;
import io.durableobjects.core.internal.serialization.DurableObjectsSerializable;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: the messages of the object actor (the sharding entity). Only {@link Fetch} crosses
 * the network; the others are sent within the entity and marked so that serialization checks in
 * tests skip them.
 */
public interface ObjectCommand {

  /**
   * A request for the object, sent through sharding from any node.
   *
   * @param objectName the name the ID was derived from, if the caller knows it; otherwise null
   */
  record Fetch(String objectName, Request request, ActorRef<FetchReply> replyTo)
      implements ObjectCommand, DurableObjectsSerializable {}

  /**
   * Sent by sharding to passivate the object: it finishes the writes in flight, then stops. Only
   * ever sent locally.
   */
  enum Stop implements ObjectCommand, NoSerializationVerificationNeeded {
    INSTANCE
  }

  /** From the journal child: recovery finished with this state. */
  record JournalRecovered(CommittedState state, long lastSequenceNr)
      implements ObjectCommand, NoSerializationVerificationNeeded {}

  /** From the journal child: the batch is durable. */
  record BatchPersisted(long batchId)
      implements ObjectCommand, NoSerializationVerificationNeeded {}

  /** The journal child stopped: recovery or a write failed. */
  record JournalStopped(int incarnation)
      implements ObjectCommand, NoSerializationVerificationNeeded {}

  /** An asynchronous request (or activation) {@code token} completed. */
  record AsyncCompleted(long token, io.durableobjects.core.Response response, Throwable failure)
      implements ObjectCommand, NoSerializationVerificationNeeded {}

  /** The asynchronous request (or activation) {@code token} ran out of time. */
  record RequestTimedOut(long token)
      implements ObjectCommand, NoSerializationVerificationNeeded {}
}
