package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.gateway.testing.TestObject;
import io.durableobjects.testsupport.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket upgrades count against the gateway's in-flight limits like requests: an upgrade to an
 * object that already has as many requests in flight from this node as allowed gets 429 at once,
 * and once the object is free the same upgrade succeeds (the refused handshake kept no slot).
 */
@Timeout(60)
class UpgradeAdmissionTest {

  @Test
  void anUpgradeBeyondTheObjectsInFlightLimitGets429() throws Exception {
    try (GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString("durable-objects.http.max-in-flight-per-object = 1"))) {
      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> slow =
          client.sendAsync(
              HttpRequest.newBuilder(node.uri("/v1/test/by-name/room/slow?ms=3000"))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Await.until(
          "the slow request running in the object",
          Duration.ofSeconds(20),
          () -> TestObject.slowRunning("room") > 0);

      Throwable refused = catchThrowable(() -> connect(client, node, "room"));
      assertThat(refused).isInstanceOf(ExecutionException.class);
      assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      HttpResponse<?> answer = ((WebSocketHandshakeException) refused.getCause()).getResponse();
      assertThat(answer.statusCode()).isEqualTo(429);
      assertThat(answer.headers().firstValue("Retry-After")).contains("1");

      assertThat(slow.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      WebSocket socket = connect(client, node, "room");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }
  }

  private static WebSocket connect(HttpClient client, GatewayNode node, String name)
      throws Exception {
    return client
        .newWebSocketBuilder()
        .buildAsync(
            URI.create("ws://127.0.0.1:" + node.port() + "/v1/test/by-name/" + name + "/ws"),
            new WebSocket.Listener() {})
        .get(20, TimeUnit.SECONDS);
  }
}
