package io.durableobjects.gateway.internal;

import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * INTERNAL API: how far one client may run ahead of its object: the messages handed to the object
 * and not yet handled, by count and by bytes. Beyond either bound the client's next message waits
 * (its stream's acknowledgement is held) until the object catches up, so that a fast client holds a
 * bounded amount of memory in the object's queue whatever the size of its messages.
 */
final class InboundPacing {
  private final int maxMessages;
  private final long maxBytes;
  // Sizes of the messages not yet handled, oldest first: the object handles them in order.
  private final ArrayDeque<Integer> sizes = new ArrayDeque<>();
  private long bytes;
  private ActorRef<SocketConnection.Ack> held;

  InboundPacing(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /**
   * A message of {@code size} bytes went to the object.
   *
   * @return whether the client may send its next message now; if not, {@code ackTo} is held
   */
  boolean sent(int size, ActorRef<SocketConnection.Ack> ackTo) {
    sizes.addLast(size);
    bytes += size;
    if (withinBounds()) {
      return true;
    }
    held = ackTo;
    return false;
  }

  /** The object handled the oldest message; answers the acknowledgement to release now, or null. */
  ActorRef<SocketConnection.Ack> handled() {
    Integer size = sizes.pollFirst();
    if (size != null) {
      bytes -= size;
    }
    if (held != null && withinBounds()) {
      ActorRef<SocketConnection.Ack> release = held;
      held = null;
      return release;
    }
    return null;
  }

  /** Messages handed to the object and not yet handled. */
  int outstanding() {
    return sizes.size();
  }

  private boolean withinBounds() {
    return sizes.size() < maxMessages && bytes < maxBytes;
  }
}
