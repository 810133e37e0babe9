package io.durableobjects.gateway;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.testsupport.Await;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that drops its connection right after sending a WebSocket upgrade, before the 101 comes
 * back, leaves nothing behind: the object, which accepted the socket, is told it closed (1006) and
 * no longer lists it, and the gateway's connection for it ends (the open-sockets gauge is back to
 * zero), once the stream-start timeout (1 s here, 10 s by default) has passed.
 */
@Timeout(90)
class UpgradeAbandonedTest {

  @Test
  void anUpgradeWhoseClientLeftBeforeThe101LeavesNoSocketBehind() throws Exception {
    try (GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString(
                "durable-objects.http.websocket.stream-start-timeout = 1s"))) {
      try (Socket client = new Socket()) {
        client.connect(new InetSocketAddress("127.0.0.1", node.port()), 5000);
        OutputStream out = client.getOutputStream();
        out.write(
            ("GET /v1/test/by-name/left/ws HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:"
                    + node.port()
                    + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } // closed before reading anything: the 101 finds nobody

      Await.until(
          "the object holding the socket it accepted",
          Duration.ofSeconds(20),
          () -> sockets(node).equals("1"));
      Await.until(
          "the object no longer holding the abandoned socket",
          Duration.ofSeconds(40),
          () -> sockets(node).equals("0"));
      Await.until(
          "the gateway's open-sockets gauge back to zero",
          Duration.ofSeconds(10),
          () ->
              node.send(HttpRequest.newBuilder(node.uri("/metrics")).GET())
                  .body()
                  .contains("durable_objects_websockets_open 0.0"));
    }
  }

  private static String sockets(GatewayNode node) throws Exception {
    return node.send(HttpRequest.newBuilder(node.uri("/v1/test/by-name/left/sockets")).GET())
        .body();
  }
}
