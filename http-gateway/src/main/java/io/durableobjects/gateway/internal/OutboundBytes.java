package io.durableobjects.gateway.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.http.javadsl.model.ws.Message;

/**
 * INTERNAL API: the bytes of the messages queued towards one client and not yet taken by its
 * stream. The connection reserves a message's bytes before it queues it; the stream gives them back
 * as it takes the message. A client that does not read keeps its reservations, and the next message
 * beyond the bound disconnects it, however small the messages were.
 */
public final class OutboundBytes {
  private final long max;
  private final AtomicLong queued = new AtomicLong();

  public OutboundBytes(long max) {
    this.max = max;
  }

  /** The size a message counts for: its bytes, or its text's characters. */
  static long sizeOf(Message message) {
    if (message.isText()) {
      return message.asTextMessage().getStrictText().length();
    }
    return message.asBinaryMessage().getStrictData().size();
  }

  /** Reserves {@code message}'s bytes if they fit; false if the client is too far behind. */
  boolean tryReserve(Message message) {
    long size = sizeOf(message);
    if (queued.addAndGet(size) > max) {
      queued.addAndGet(-size);
      return false;
    }
    return true;
  }

  /** The stream took {@code message}: its bytes are free again. */
  public Message taken(Message message) {
    queued.addAndGet(-sizeOf(message));
    return message;
  }
}
