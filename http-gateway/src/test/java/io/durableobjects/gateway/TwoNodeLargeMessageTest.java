package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.testsupport.Await;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies up to the gateway's limit (1 MiB) reach objects hosted on another node, and large answers
 * come back: the default remoting frame (256 KiB) would drop them, and the caller would wait for a
 * timeout.
 */
@Timeout(120)
class TwoNodeLargeMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void largeRequestsAndResponsesCrossNodes() throws Exception {
    int seedPort = freePort();
    try (GatewayNode a =
            GatewayNode.start(
                ConfigFactory.parseString(
                    "pekko.remote.artery.canonical.port = "
                        + seedPort
                        + "\n"
                        + "pekko.cluster.seed-nodes = [\"pekko://durable-objects@127.0.0.1:"
                        + seedPort
                        + "\"]"));
        GatewayNode b =
            GatewayNode.start(
                ConfigFactory.parseString(
                    "pekko.cluster.seed-nodes = [\"pekko://durable-objects@127.0.0.1:"
                        + seedPort
                        + "\"]"))) {
      Cluster cluster = Cluster.get(a.server().system());
      Await.until(
          "two Up members", Duration.ofSeconds(20), () -> members(cluster) >= 2 && allUp(cluster));
      byte[] body = new byte[1024 * 1024 - 64];
      Arrays.fill(body, (byte) 'x');
      // Objects spread over both nodes: with 16 names, some live on b while a's gateway asks.
      for (int i = 0; i < 16; i++) {
        HttpResponse<String> r =
            a.send(
                HttpRequest.newBuilder(a.uri("/v1/test/by-name/large-" + i + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertThat(r.statusCode()).as("object large-%d: %s", i, r.body()).isEqualTo(200);
        JsonNode echo = JSON.readTree(r.body());
        assertThat(Base64.getDecoder().decode(echo.get("body").asText())).hasSize(body.length);
      }
      // WebSocket messages near the limit (1 MiB) both ways between a connection on a and objects
      // on either node.
      String large = "y".repeat(900 * 1024);
      for (int i = 0; i < 8; i++) {
        java.util.concurrent.CompletableFuture<String> echoed =
            new java.util.concurrent.CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        java.net.http.WebSocket ws =
            java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(
                    java.net.URI.create(
                        "ws://127.0.0.1:" + a.port() + "/v1/test/by-name/ws-large-" + i + "/ws"),
                    new java.net.http.WebSocket.Listener() {
                      @Override
                      public java.util.concurrent.CompletionStage<?> onText(
                          java.net.http.WebSocket socket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                          echoed.complete(partial.toString());
                        }
                        socket.request(1);
                        return null;
                      }
                    })
                .get(20, java.util.concurrent.TimeUnit.SECONDS);
        ws.sendText(large, true).get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(echoed.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasSize(large.length());
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "")
            .get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }

  private static int members(Cluster cluster) {
    int n = 0;
    for (var m : cluster.state().getMembers()) {
      n++;
    }
    return n;
  }

  private static boolean allUp(Cluster cluster) {
    for (var m : cluster.state().getMembers()) {
      if (m.status() != MemberStatus.up()) {
        return false;
      }
    }
    return true;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
