package io.durableobjects.examples;

import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Router;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageKey;
import io.durableobjects.core.WebSocket;
import io.durableobjects.core.WebSocketMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A chat room (namespace {@code chat-room}): clients join with a WebSocket upgrade on {@code
 * /v1/chat-room/by-name/{room}/ws?name=alice}, send text messages, and receive every message of the
 * room as JSON {@code {"seq", "from", "text"}}, in one total order for all members. Every message
 * is stored (the last {@value #KEPT} are kept) before it is broadcast, and a joining client first
 * receives the recent history.
 *
 * <p>The members' connections stay open while the room is evicted from memory; the next message
 * activates it again, and {@code getWebSockets} still lists everyone, each with their name (the
 * socket's attachment). {@code GET /v1/chat-room/by-name/{room}/} answers {@code {"members":
 * [names], "messages": [recent]}}. A client may send {@code ping} and gets {@code pong} from the
 * gateway without waking the room.
 */
public final class ChatRoom implements FetchHandler {
  /** Messages kept for history. */
  static final int KEPT = 100;

  /** The longest message text, in characters. */
  static final int MAX_TEXT = 4000;

  /** The longest member name. */
  static final int MAX_NAME = 64;

  private static final StorageKey<Long> SEQ = StorageKey.of("seq", Long.class);
  private static final String MESSAGE = "msg:";

  /** One message of the room. */
  public record ChatMessage(long seq, String from, String text) {}

  private final DurableObjectState state;
  private final Storage storage;
  private final Router<Response> router =
      Router.create()
          .get("/ws", this::join)
          .get("/", request -> Response.json(Map.of("members", members(), "messages", recent())));

  public ChatRoom(DurableObjectState state) {
    this.state = state;
    this.storage = state.storage();
  }

  @Override
  public Response fetch(Request request) throws Exception {
    return router.fetch(request);
  }

  private Response join(Request request) {
    if (!request.header("Upgrade").map("websocket"::equalsIgnoreCase).orElse(false)) {
      return Response.error(426, "upgrade_required", "join the room with a WebSocket upgrade");
    }
    String name = request.queryParam("name").orElse("anonymous").strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      return Response.error(400, "invalid_name", "a name is 1 to " + MAX_NAME + " characters");
    }
    state.setWebSocketAutoResponse("ping", "pong");
    return state.acceptWebSocket(
        request,
        socket -> {
          socket.serializeAttachment(name);
          recent().forEach(socket::sendJson);
        },
        "member");
  }

  @Override
  public void webSocketMessage(WebSocket socket, WebSocketMessage message) {
    if (message.text().length() > MAX_TEXT) {
      socket.send(
          "{\"error\":\"message_too_long\",\"message\":\"at most " + MAX_TEXT + " characters\"}");
      return;
    }
    long seq = storage.get(SEQ).orElse(0L) + 1;
    storage.put(SEQ, seq);
    storage.put(key(seq), new ChatMessage(seq, nameOf(socket), message.text()));
    if (seq > KEPT) {
      storage.delete(key(seq - KEPT));
    }
    // Sent once the message is durable (output gate), to everyone in the same order.
    for (WebSocket member : state.getWebSockets("member")) {
      member.sendJson(new ChatMessage(seq, nameOf(socket), message.text()));
    }
  }

  private List<String> members() {
    return state.getWebSockets("member").stream().map(ChatRoom::nameOf).toList();
  }

  private List<ChatMessage> recent() {
    return new ArrayList<>(
        storage.list(ListOptions.create().withPrefix(MESSAGE), ChatMessage.class).values());
  }

  private static String nameOf(WebSocket socket) {
    return socket.deserializeAttachment(String.class).orElse("?");
  }

  private static String key(long seq) {
    return MESSAGE + String.format("%019d", seq);
  }
}
