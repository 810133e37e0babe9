package io.durableobjects.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client for the tests (the JDK's), collecting the text messages it receives. */
final class ChatClient implements WebSocket.Listener, AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  final CompletableFuture<String> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket socket;
  private final boolean reading;

  private ChatClient(String url) throws Exception {
    this(url, true);
  }

  private ChatClient(String url, boolean reading) throws Exception {
    this.reading = reading;
    socket =
        HTTP.newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(URI.create(url), this)
            .get(20, TimeUnit.SECONDS);
  }

  static ChatClient join(int port, String room, String name) throws Exception {
    return new ChatClient(
        "ws://127.0.0.1:" + port + "/v1/chat-room/by-name/" + room + "/ws?name=" + name);
  }

  /** A client that never reads what it is sent (its TCP window fills up). */
  static ChatClient joinWithoutReading(int port, String room, String name) throws Exception {
    return new ChatClient(
        "ws://127.0.0.1:" + port + "/v1/chat-room/by-name/" + room + "/ws?name=" + name, false);
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    if (reading) {
      webSocket.request(1);
    }
  }

  void send(String text) throws Exception {
    socket.sendText(text, true).get(10, TimeUnit.SECONDS);
  }

  void sendBinary(byte[] data) throws Exception {
    socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).get(10, TimeUnit.SECONDS);
  }

  /** The next message, waiting up to 10 s. */
  String next() throws InterruptedException {
    String message = received.poll(10, TimeUnit.SECONDS);
    if (message == null) {
      throw new AssertionError("no message within 10 s");
    }
    return message;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      received.add(partial.toString());
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete("error " + error);
  }

  @Override
  public void close() throws Exception {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }
  }
}
