package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Request;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.WebSocket;
import io.durableobjects.core.internal.socket.OutgoingFrame;
import io.durableobjects.core.internal.socket.SocketCommand;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.internal.storage.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * INTERNAL API: an object's WebSockets as its code sees them ({@code state.acceptWebSocket}, {@code
 * getWebSockets}, each socket's {@code send}, {@code close} and attachment). Every change goes into
 * the transaction of the call being handled: socket records like storage, commands for the
 * connections into its outbox (sent by the output gate).
 */
public final class ObjectSockets {

  /** Limits of {@code durable-objects.websockets}. */
  public record Limits(int maxSockets, int maxTags, int maxAttachmentBytes, int maxMessageBytes) {}

  /** The upgrade being handled, if the current call is one. */
  record PendingUpgrade(ObjectCommand.Upgrade call, String gateway) {}

  private final ObjectStorage storage;
  private final ValueCodec codec;
  private final Limits limits;
  private PendingUpgrade upgrade;
  private boolean accepted;
  private String closing;

  ObjectSockets(ObjectStorage storage, ValueCodec codec, Limits limits) {
    this.storage = storage;
    this.codec = codec;
    this.limits = limits;
  }

  /** Called by the entity as each call starts: the upgrade it carries, or null. */
  void beginCall(PendingUpgrade pending) {
    upgrade = pending;
    accepted = false;
    closing = null;
  }

  /** The current call is the close callback of this socket: it is no longer listed. */
  void closing(String id) {
    closing = id;
  }

  /** Whether the current call accepted its upgrade. */
  boolean accepted() {
    return accepted;
  }

  WebSocket accept(Request request, String... tags) {
    TransactionalStorage tx = storage.currentTransaction();
    if (upgrade == null || upgrade.call().request() != request) {
      throw new IllegalStateException(
          "acceptWebSocket needs the WebSocket upgrade request being handled; this request is not one");
    }
    if (accepted) {
      throw new IllegalStateException("this WebSocket upgrade was already accepted");
    }
    List<String> tagList = validTags(tags);
    if (tx.resultSockets().size() >= limits.maxSockets()) {
      throw StorageException.limitExceeded(
          "the object already holds "
              + limits.maxSockets()
              + " WebSockets (durable-objects.websockets.max-per-object)");
    }
    String id = upgrade.call().socketId();
    tx.putSocket(
        new SocketRecord(id, upgrade.gateway(), tagList, null, tx.resultSockets().nextOrder()),
        "accepting WebSocket " + id);
    tx.send(
        new OutgoingFrame(
            id,
            upgrade.gateway(),
            new SocketCommand.Accepted(
                tx.resultSockets().autoRequest(), tx.resultSockets().autoResponse())));
    accepted = true;
    return new ObjectWebSocket(id, tagList, this);
  }

  List<WebSocket> list(String tag) {
    TransactionalStorage tx = storage.currentTransaction();
    List<WebSocket> result = new ArrayList<>();
    for (SocketRecord record : tx.resultSockets().all()) {
      if ((tag == null || record.tags().contains(tag)) && !record.id().equals(closing)) {
        result.add(new ObjectWebSocket(record.id(), record.tags(), this));
      }
    }
    return result;
  }

  /** The socket of this ID as a handle, if the object holds it. */
  Optional<WebSocket> handle(TransactionalStorage tx, String id) {
    return tx.resultSockets().get(id).map(r -> new ObjectWebSocket(r.id(), r.tags(), this));
  }

  void setAutoResponse(String request, String response) {
    if ((request == null) != (response == null)) {
      throw new IllegalArgumentException("set both the request and the response, or neither");
    }
    if (request != null
        && (request.isEmpty() || request.length() > 1024 || response.length() > 1024)) {
      throw new IllegalArgumentException(
          "the auto-response request must be 1 to 1024 characters and the response at most 1024");
    }
    TransactionalStorage tx = storage.currentTransaction();
    tx.setAutoResponse(request, response);
    for (SocketRecord record : tx.resultSockets().all()) {
      tx.send(
          new OutgoingFrame(
              record.id(), record.gateway(), new SocketCommand.AutoResponse(request, response)));
    }
  }

  void send(String id, String text, byte[] data) {
    TransactionalStorage tx = storage.currentTransaction();
    int size = text != null ? text.length() * 3 : data.length;
    if (size > limits.maxMessageBytes()
        && (text == null
            || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > limits.maxMessageBytes())) {
      throw StorageException.limitExceeded(
          "a WebSocket message is limited to "
              + limits.maxMessageBytes()
              + " bytes (durable-objects.websockets.max-message-size)");
    }
    Optional<SocketRecord> record = tx.resultSockets().get(id);
    if (record.isEmpty()) {
      return; // closed: like a browser, sending on a closed socket does nothing
    }
    tx.send(new OutgoingFrame(id, record.get().gateway(), new SocketCommand.Send(text, data)));
  }

  void close(String id, int code, String reason) {
    TransactionalStorage tx = storage.currentTransaction();
    Optional<SocketRecord> record = tx.resultSockets().get(id);
    if (record.isEmpty()) {
      return;
    }
    tx.removeSocket(id);
    tx.send(
        new OutgoingFrame(
            id,
            record.get().gateway(),
            new SocketCommand.Close(code, reason == null ? "" : reason)));
  }

  void attach(String id, Object value) {
    TransactionalStorage tx = storage.currentTransaction();
    Optional<SocketRecord> record = tx.resultSockets().get(id);
    if (record.isEmpty()) {
      throw new IllegalStateException("socket " + id + " is closed");
    }
    byte[] bytes = value == null ? null : codec.encode("attachment of socket " + id, value);
    if (bytes != null && bytes.length > limits.maxAttachmentBytes()) {
      throw StorageException.limitExceeded(
          "the attachment of socket "
              + id
              + " is "
              + bytes.length
              + " bytes; the limit is "
              + limits.maxAttachmentBytes()
              + " (durable-objects.websockets.max-attachment-size)");
    }
    tx.putSocket(record.get().withAttachment(bytes), "the attachment of socket " + id);
  }

  <T> Optional<T> attachment(String id, Class<T> type) {
    TransactionalStorage tx = storage.currentTransaction();
    return tx.resultSockets()
        .get(id)
        .map(SocketRecord::attachment)
        .map(bytes -> codec.decode("attachment of socket " + id, bytes, type));
  }

  private List<String> validTags(String... tags) {
    List<String> list = new ArrayList<>();
    if (tags != null) {
      for (String tag : tags) {
        if (tag == null || tag.isEmpty() || tag.length() > 256) {
          throw new StorageException(
              "a WebSocket tag must be 1 to 256 characters, got "
                  + (tag == null ? "null" : tag.length() + " characters"));
        }
        if (!list.contains(tag)) {
          list.add(tag);
        }
      }
    }
    if (list.size() > limits.maxTags()) {
      throw StorageException.limitExceeded(
          "a WebSocket may have at most "
              + limits.maxTags()
              + " tags (durable-objects.websockets.max-tags), got "
              + list.size());
    }
    return list;
  }

  /** The object's handle of one socket. */
  private record ObjectWebSocket(String id, List<String> tags, ObjectSockets sockets)
      implements WebSocket {
    @Override
    public void send(String text) {
      if (text == null) {
        throw new IllegalArgumentException("the text must not be null");
      }
      sockets.send(id, text, null);
    }

    @Override
    public void send(byte[] data) {
      if (data == null) {
        throw new IllegalArgumentException("the data must not be null");
      }
      sockets.send(id, null, data.clone());
    }

    @Override
    public void close(int code, String reason) {
      sockets.close(id, code, reason);
    }

    @Override
    public void serializeAttachment(Object value) {
      sockets.attach(id, value);
    }

    @Override
    public <T> Optional<T> deserializeAttachment(Class<T> type) {
      return sockets.attachment(id, type);
    }

    @Override
    public String toString() {
      return "WebSocket(" + id + ", tags " + tags + ")";
    }
  }
}
