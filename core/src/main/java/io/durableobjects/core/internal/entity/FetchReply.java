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
  @JsonSubTypes.Type(value = FetchReply.Failed.class, name = "failed")
})
public sealed interface FetchReply extends DurableObjectsSerializable {

  /** The object answered; the response's writes are durable. */
  record Ok(Response response) implements FetchReply {}

  /** An RPC returned; {@code value} is the result as JSON ({@code null} for a void result). */
  record Returned(byte[] value) implements FetchReply {}

  /** The request failed; the fields map onto a {@link DurableObjectException}. */
  record Failed(int status, String code, String message) implements FetchReply {
    static Failed of(DurableObjectException e) {
      return new Failed(e.status(), e.code(), e.getMessage());
    }
  }
}
