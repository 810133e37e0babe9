package io.durableobjects.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.WebSocket;
import io.durableobjects.core.WebSocketMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A chat room (namespace {@code chat-room}): clients join with a WebSocket upgrade on {@code
 * /v1/chat-room/by-name/{room}/ws?name=alice}, send text messages, and receive every message of the
 * room as JSON {@code {"seq", "from", "text"}}, in one total order for all members. Every message is
 * stored (the last {@value #KEPT} are kept) before it is broadcast, and a joining client first
 * receives the recent history.
 *
 * <p>The members' connections stay open while the room is evicted from memory; the next message
 * activates it again, and {@code getWebSockets} still lists everyone, each with their name (the
 * socket's attachment). {@code GET /v1/chat-room/by-name/{room}/} answers {@code {"members": [names],
 * "messages": [recent]}}. A client may send {@code ping} and gets {@code pong} from the gateway
 * without waking the room.
 */
public final class ChatRoom implements FetchHandler {
  /** Messages kept for history. */
  static final int KEPT = 100;
  /** The longest message text, in characters. */
  static final int MAX_TEXT = 4000;
  /** The longest member name. */
  static final int MAX_NAME = 64;

  private static final String SEQ = "seq";
  private static final String MESSAGE = "msg:";

  /** One message of the room. */
  public record ChatMessage(long seq, String from, String text) {}

  private final DurableObjectState state;

  public ChatRoom(DurableObjectState state) {
    this.state = state;
  }

  @Override
  public Response fetch(Request request) {
    switch (request.path()) {
      case "/ws":
        return join(request);
      case "/":
        if (!request.method().equals("GET")) {
          return JsonResponses.methodNotAllowed("GET");
        }
        List<String> members = new ArrayList<>();
        for (WebSocket socket : state.getWebSockets("member")) {
          members.add(socket.deserializeAttachment(String.class).orElse("?"));
        }
        return JsonResponses.json(Map.of("members", members, "messages", recent()));
      default:
        return JsonResponses.notFound(request.path());
    }
  }

  private Response join(Request request) {
    if (!request.header("Upgrade").map("websocket"::equalsIgnoreCase).orElse(false)) {
      return JsonResponses.error(426, "upgrade_required", "join the room with a WebSocket upgrade");
    }
    String name = request.queryParam("name").orElse("anonymous").strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      return JsonResponses.error(400, "invalid_name", "a name is 1 to " + MAX_NAME + " characters");
    }
    WebSocket socket = state.acceptWebSocket(request, "member");
    socket.serializeAttachment(name);
    state.setWebSocketAutoResponse("ping", "pong");
    for (ChatMessage message : recent()) {
      socket.send(json(message));
    }
    return Response.status(101);
  }

  @Override
  public void webSocketMessage(WebSocket socket, WebSocketMessage message) {
    String text = message.text();
    if (text.length() > MAX_TEXT) {
      socket.send("{\"error\":\"message_too_long\",\"message\":\"at most " + MAX_TEXT + " characters\"}");
      return;
    }
    long seq = state.storage().get(SEQ, Long.class).orElse(0L) + 1;
    ChatMessage chat =
        new ChatMessage(seq, socket.deserializeAttachment(String.class).orElse("?"), text);
    state.storage().put(SEQ, seq);
    state.storage().put(key(seq), chat);
    if (seq > KEPT) {
      state.storage().delete(key(seq - KEPT));
    }
    String json = json(chat);
    // Sent once the message is durable (output gate), to everyone in the same order.
    for (WebSocket member : state.getWebSockets("member")) {
      member.send(json);
    }
  }

  private List<ChatMessage> recent() {
    return new ArrayList<>(
        state.storage().list(ListOptions.create().withPrefix(MESSAGE), ChatMessage.class).values());
  }

  private static String key(long seq) {
    return MESSAGE + String.format("%019d", seq);
  }

  private static String json(ChatMessage message) {
    try {
      return JsonResponses.JSON.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
