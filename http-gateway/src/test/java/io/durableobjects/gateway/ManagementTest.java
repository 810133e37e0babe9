package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.testing.GatewayNode;
import io.durableobjects.testsupport.Await;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pekko Management in a real node (Pekko 1.2.1, pekko-http 1.3.0, management 1.1.1): {@code /alive}
 * and {@code /ready} on the management port follow the node's state, including the shutdown; and
 * cluster bootstrap forms a cluster through a discovery method instead of seed nodes.
 */
class ManagementTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> get(InetSocketAddress management, String path)
      throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + management.getHostString() + ":" + management.getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aliveAndReadyFollowTheNodeUntilItShutsDown() throws Exception {
    GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                durable-objects.node.management.enabled = on
                pekko.management.http.port = 0
                # A window in which readiness is off while the gateway still serves.
                durable-objects.http.shutdown-unready-delay = 2s
                """));
    boolean closed = false;
    try {
      InetSocketAddress management = node.server().managementAddress().orElseThrow();
      assertThat(management.getPort()).as("the port actually bound").isPositive();

      assertThat(get(management, "/alive").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(management, "/ready");
      assertThat(ready.statusCode()).as("/ready once Up: %s", ready.body()).isEqualTo(200);
      assertThat(node.get("/health/ready").statusCode()).isEqualTo(200);
      // The cluster routes work with this Pekko and pekko-http too.
      HttpResponse<String> members = get(management, "/cluster/members");
      assertThat(members.statusCode()).isEqualTo(200);
      assertThat(members.body()).contains("\"status\":\"Up\"");

      CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close);
      closed = true;
      HttpResponse<String> during = awaitNot200(management, "/ready");
      assertThat(during.statusCode())
          .as("Pekko Management answers a failing check with 500")
          .isEqualTo(500);
      assertThat(during.body()).endsWith("failed: the node is shutting down");
      // Still alive while it shuts down: Kubernetes must not kill a node that is draining.
      assertThat(get(management, "/alive").statusCode()).isEqualTo(200);
      closing.get(60, TimeUnit.SECONDS);
    } finally {
      if (!closed) {
        node.close();
      }
    }
  }

  private static HttpResponse<String> awaitNot200(InetSocketAddress management, String path)
      throws Exception {
    return Await.value(
        path + " answering other than 200",
        Duration.ofSeconds(10),
        () -> {
          HttpResponse<String> response = get(management, path);
          return response.statusCode() != 200 ? Optional.of(response) : Optional.empty();
        });
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void clusterBootstrapFormsTheClusterThroughDiscovery() throws Exception {
    int managementPort;
    try (ServerSocket free = new ServerSocket(0)) {
      managementPort = free.getLocalPort();
    }
    // Pekko's "config" discovery method stands in for kubernetes-api: one contact point, this node.
    GatewayNode node =
        GatewayNode.start(
            ConfigFactory.parseString(
                """
                durable-objects.node.management.enabled = on
                durable-objects.node.cluster-bootstrap.discovery-method = config
                pekko.management.http.port = %d
                pekko.discovery.config.services.durable-objects.endpoints = [
                  { host = "127.0.0.1", port = %d }
                ]
                pekko.management.cluster.bootstrap.contact-point-discovery {
                  required-contact-point-nr = 1
                  stable-margin = 500ms
                  interval = 200ms
                }
                pekko.management.cluster.bootstrap.contact-point.probe-interval = 200ms
                """
                    .formatted(managementPort, managementPort)));
    try {
      Cluster cluster = Cluster.get(node.server().system());
      assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
      HttpResponse<String> seeds =
          get(node.server().managementAddress().orElseThrow(), "/bootstrap/seed-nodes");
      assertThat(seeds.statusCode()).isEqualTo(200);
      assertThat(seeds.body()).contains(cluster.selfMember().address().toString());
      assertThat(node.get("/health/ready").statusCode()).isEqualTo(200);
    } finally {
      node.close();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void kubernetesBootstrapOutsideAPodFailsWithAClearMessage() throws Exception {
    // Outside Kubernetes the discovery method finds no service account files: the node must stop
    // with a message an operator can act on (and stop its actor system), not hang half-started.
    int managementPort;
    try (ServerSocket free = new ServerSocket(0)) {
      managementPort = free.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                GatewayNode.start(
                    ConfigFactory.parseString(
                        """
                        durable-objects.node.management.enabled = on
                        durable-objects.node.cluster-bootstrap.discovery-method = kubernetes-api
                        pekko.management.http.hostname = "10.255.255.1"
                        pekko.management.http.bind-hostname = "127.0.0.1"
                        pekko.management.http.port = %d
                        pekko.discovery.kubernetes-api.api-ca-path = "/nonexistent/ca.crt"
                        """
                            .formatted(managementPort))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot start cluster bootstrap with discovery method kubernetes-api")
        .hasMessageContaining("/nonexistent/ca.crt")
        .hasMessageContaining("automountServiceAccountToken");
    // The failed node's actor system is stopped again: its management port is free.
    Await.until(
        "management port " + managementPort + " released",
        Duration.ofSeconds(20),
        () -> {
          try (ServerSocket again =
              new ServerSocket(managementPort, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
          }
        });
  }
}
