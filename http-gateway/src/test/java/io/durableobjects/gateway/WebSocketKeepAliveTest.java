package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.internal.WebSocketKeepAlive;
import io.durableobjects.gateway.testing.GatewayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Quiet WebSockets stay open: the gateway pings them before pekko-http's idle timeout would close
 * them. The node runs with an idle timeout of 1 s (60 s by default) so that a silence of several
 * idle timeouts takes seconds instead of minutes; without the pings the socket is closed after 1 s.
 */
@Timeout(60)
class WebSocketKeepAliveTest {

  @Test
  void aSocketSilentForSeveralIdleTimeoutsStaysOpenAndAnswers() throws Exception {
    try (GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                pekko.http.server.idle-timeout = 1s
                durable-objects.http.websocket.ping-interval = 250ms
                """))) {
      AtomicInteger pings = new AtomicInteger();
      CompletableFuture<String> closed = new CompletableFuture<>();
      CompletableFuture<String> echo = new CompletableFuture<>();
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + node.port() + "/v1/test/by-name/quiet/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
                      pings.incrementAndGet();
                      ws.request(1);
                      return null; // the client answers with a pong by itself
                    }

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket ws, CharSequence data, boolean last) {
                      echo.complete(data.toString());
                      ws.request(1);
                      return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                      closed.complete(status + " " + reason);
                      return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                      closed.complete("error: " + error);
                    }
                  })
              .get(20, TimeUnit.SECONDS);

      // The silence is the scenario: four idle timeouts without a message either way.
      Thread.sleep(Duration.ofSeconds(4).toMillis());

      assertThat(closed).as("closed while quiet").isNotDone();
      assertThat(pings.get()).as("pings received while quiet").isGreaterThanOrEqualTo(4);
      socket.sendText("still here", true).get(10, TimeUnit.SECONDS);
      assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo("still here");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theIntervalMustBePositiveAndShorterThanTheIdleTimeout() {
    assertThat(keepAlive("30s", "60s").interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(keepAlive("1h", "infinite").interval()).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> keepAlive("0s", "60s"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("durable-objects.http.websocket.ping-interval")
        .hasMessageContaining("must be positive, got PT0S");
    assertThatThrownBy(() -> keepAlive("60s", "60s"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining(
            "must be shorter than pekko.http.server.idle-timeout (PT1M), or quiet WebSockets are"
                + " closed before the first ping; got PT1M");
  }

  private static WebSocketKeepAlive keepAlive(String interval, String idleTimeout) {
    Config config =
        ConfigFactory.parseString(
            "durable-objects.http.websocket.ping-interval = "
                + interval
                + "\npekko.http.server.idle-timeout = "
                + idleTimeout);
    return WebSocketKeepAlive.fromConfig(config);
  }
}
