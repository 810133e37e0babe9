package io.durableobjects.gateway.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.AlarmHandler;
import io.durableobjects.core.AsyncFetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.Header;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The object behind the gateway tests (namespace {@code test}). Routes:
 *
 * <ul>
 *   <li>{@code GET /count}: the counter's value as text;
 *   <li>{@code POST /increment}: adds one (a durable write), answers the new value;
 *   <li>{@code POST /throw}: writes, then throws (the write must be rolled back: 500);
 *   <li>{@code ANY /slow?ms=N}: answers after N milliseconds (asynchronously); meanwhile {@link
 *       #slowRunning} counts it;
 *   <li>{@code PUT /kv/{key}}: stores the body under the key; {@code PUT /bytes/{key}} as a byte[];
 *   <li>{@code PUT /alarm/{name}?in=<seconds>}: sets the named alarm (its handler does nothing);
 *   <li>{@code GET /ws} with a WebSocket upgrade: accepts it and echoes every message back;
 *   <li>{@code GET /sockets}: how many WebSockets the object holds;
 *   <li>anything else: echoes the request as JSON {@code {method, path, query, headers, body}}
 *       (headers as an object of lowercase name to value, body as base64).
 * </ul>
 *
 * <p>Its RPC method {@link TestRpc#add} adds to the same counter.
 */
public final class TestObject implements AsyncFetchHandler, AlarmHandler, TestRpc {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code /slow} requests that objects have begun and not answered yet, by object name. */
  private static final Map<String, AtomicInteger> SLOW_RUNNING = new ConcurrentHashMap<>();

  private final DurableObjectState state;

  public TestObject(DurableObjectState state) {
    this.state = state;
  }

  @Override
  public CompletionStage<Response> fetch(Request request) throws Exception {
    String path = request.path();
    if (path.equals("/slow")) {
      long ms = Long.parseLong(request.queryParam("ms").orElse("100"));
      AtomicInteger running = slowRunningOf(state.id().name().orElse(state.id().toString()));
      running.incrementAndGet();
      return CompletableFuture.supplyAsync(
          () -> {
            running.decrementAndGet();
            return Response.text("slept " + ms);
          },
          CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
    }
    return CompletableFuture.completedFuture(answer(request));
  }

  /**
   * How many {@code /slow} requests the object named {@code objectName} (in any node of this JVM)
   * has begun and not answered yet: a test awaits this instead of sleeping until its slow requests
   * have reached their objects.
   */
  public static int slowRunning(String objectName) {
    return slowRunningOf(objectName).get();
  }

  private static AtomicInteger slowRunningOf(String objectName) {
    return SLOW_RUNNING.computeIfAbsent(objectName, name -> new AtomicInteger());
  }

  private Response answer(Request request) throws Exception {
    String path = request.path();
    if (path.equals("/count") && request.method().equals("GET")) {
      return Response.text(Long.toString(count()));
    }
    if (path.equals("/increment") && request.method().equals("POST")) {
      long next = count() + 1;
      state.storage().put("count", next);
      return Response.text(Long.toString(next));
    }
    if (path.equals("/throw")) {
      state.storage().put("count", count() + 1000);
      throw new IllegalStateException("thrown on purpose by the test object");
    }
    if (path.startsWith("/kv/") && request.method().equals("PUT")) {
      state.storage().put(path.substring(4), request.bodyText());
      return Response.status(204);
    }
    if (path.equals("/sockets")) {
      return Response.text(Integer.toString(state.getWebSockets().size()));
    }
    if (path.equals("/ws") && request.header("Upgrade").isPresent()) {
      state.acceptWebSocket(request);
      return Response.status(101);
    }
    if (path.startsWith("/alarm/") && request.method().equals("PUT")) {
      long in = Long.parseLong(request.queryParam("in").orElse("3600"));
      state.storage().setAlarm(path.substring(7), java.time.Instant.now().plusSeconds(in));
      return Response.status(204);
    }
    if (path.startsWith("/bytes/") && request.method().equals("PUT")) {
      state.storage().put(path.substring(7), request.body());
      return Response.status(204);
    }
    return echo(request);
  }

  @Override
  public void webSocketMessage(
      io.durableobjects.core.WebSocket socket, io.durableobjects.core.WebSocketMessage message) {
    if (message.isText()) {
      socket.send(message.text());
    } else {
      socket.send(message.data());
    }
  }

  @Override
  public void alarm(io.durableobjects.core.AlarmInfo alarm) {
    state.storage().put("alarm-fired:" + alarm.name(), alarm.scheduledTime().toString());
  }

  @Override
  public CompletionStage<Long> add(long amount) {
    long next = count() + amount;
    state.storage().put("count", next);
    return CompletableFuture.completedFuture(next);
  }

  private long count() {
    return state.storage().get("count", Long.class).orElse(0L);
  }

  private static Response echo(Request request) {
    ObjectNode node = JSON.createObjectNode();
    node.put("method", request.method());
    node.put("path", request.path());
    node.put("query", request.query().orElse(null));
    ObjectNode headers = node.putObject("headers");
    for (Header h : request.headers()) {
      headers.put(h.name().toLowerCase(java.util.Locale.ROOT), h.value());
    }
    node.put("body", Base64.getEncoder().encodeToString(request.body()));
    return Response.bytes(node.toString().getBytes(StandardCharsets.UTF_8))
        .withHeader("Content-Type", "application/json");
  }
}
