package io.durableobjects.core.internal.socket;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.durableobjects.core.internal.serialization.DurableObjectsSerializable;

/**
 * INTERNAL API: what an object tells the connection of one of its sockets, at the gateway node that
 * holds it (possibly another node). Sent only after the writes before it are durable.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = SocketCommand.Accepted.class, name = "accepted"),
  @JsonSubTypes.Type(value = SocketCommand.Send.class, name = "send"),
  @JsonSubTypes.Type(value = SocketCommand.Close.class, name = "close"),
  @JsonSubTypes.Type(value = SocketCommand.AutoResponse.class, name = "auto-response")
})
public sealed interface SocketCommand extends DurableObjectsSerializable {

  /**
   * The object accepted the socket (its acceptance is durable): complete the upgrade.
   *
   * @param autoRequest the text answered without the object, or null
   * @param autoResponse its answer, or null
   */
  record Accepted(String autoRequest, String autoResponse) implements SocketCommand {}

  /** Send a message to the client: {@code text}, or {@code data} when text is null. */
  record Send(String text, byte[] data) implements SocketCommand {}

  /** Close the connection; the object already forgot the socket. */
  record Close(int code, String reason) implements SocketCommand {}

  /** The object's auto-response pair changed (both null: none). */
  record AutoResponse(String request, String response) implements SocketCommand {}
}
