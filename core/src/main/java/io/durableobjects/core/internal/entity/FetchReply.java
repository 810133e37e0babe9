package io.durableobjects.core.internal.entity;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.serialization.DurableObjectsSerializable;

/** INTERNAL API: the object's answer to a {@link ObjectCommand.Fetch}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = FetchReply.Ok.class, name = "ok"),
  @JsonSubTypes.Type(value = FetchReply.Returned.class, name = "returned"),
  @JsonSubTypes.Type(value = FetchReply.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = FetchReply.Inspected.class, name = "inspected"),
  @JsonSubTypes.Type(value = FetchReply.Deleted.class, name = "deleted")
})
public sealed interface FetchReply extends DurableObjectsSerializable {

  /** The object answered; the response's writes are durable. */
  record Ok(Response response) implements FetchReply {}

  /** An RPC returned; {@code value} is the result as JSON ({@code null} for a void result). */
  record Returned(byte[] value) implements FetchReply {}

  /**
   * The answer to an {@link ObjectCommand.Admin} inspection: metadata and one page of entries
   * ({@code keys[i]} holds the encoded {@code values[i]}); {@code nextCursor} is null on the last
   * page; the object's pending alarms, its open WebSockets, and when its actor started ({@code
   * activationMillis}, epoch milliseconds).
   */
  record Inspected(
      String name,
      int keyCount,
      long bytes,
      long lastSequenceNr,
      long lastWriteMillis,
      java.util.List<String> keys,
      java.util.List<byte[]> values,
      String nextCursor,
      java.util.List<io.durableobjects.core.internal.storage.ScheduledAlarm> alarms,
      java.util.List<io.durableobjects.core.internal.storage.SocketRecord> sockets,
      long activationMillis)
      implements FetchReply {}

  /** The answer to an {@link ObjectCommand.Admin} delete-all: how many keys it deleted. */
  record Deleted(int keysDeleted) implements FetchReply {}

  /**
   * The answer to an {@link ObjectCommand.Admin} restore: the source's sequence number whose state
   * the object now holds, and how many keys that state has.
   */
  record Restored(long restoredSequenceNr, int keys) implements FetchReply {}

  /** The request failed; the fields map onto a {@link DurableObjectException}. */
  record Failed(int status, String code, String message) implements FetchReply {
    static Failed of(DurableObjectException e) {
      return new Failed(e.status(), e.code(), e.getMessage());
    }
  }
}
