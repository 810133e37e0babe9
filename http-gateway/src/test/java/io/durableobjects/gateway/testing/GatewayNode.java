package io.durableobjects.gateway.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.DurableObjectsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

/**
 * A real one-node cluster with the HTTP gateway on a free port, for the gateway tests: namespace
 * {@code test} ({@link TestObject}) on Pekko's in-memory journal, every message through the cluster
 * serializer. The tokens below are configured; object-traffic auth is off unless the overrides turn
 * it on ({@code durable-objects.http.auth.required = on}).
 */
public final class GatewayNode implements AutoCloseable {
  public static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
  public static final String API_TOKEN = "api-token-0123456789abcdef";
  public static final String TEST_ONLY_TOKEN = "test:only-test-token-0123456789";

  private final DurableObjectsServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private GatewayNode(DurableObjectsServer server) {
    this.server = server;
  }

  /** A node with the default test configuration. */
  public static GatewayNode start() {
    return start(ConfigFactory.empty());
  }

  /** A node with {@code overrides} on top of the test configuration. */
  public static GatewayNode start(Config overrides) {
    Config test =
        ConfigFactory.parseString(
                """
                durable-objects.namespaces.test.class = "io.durableobjects.gateway.testing.TestObject"
                durable-objects.http.port = 0
                durable-objects.http.auth.admin-token = "%s"
                durable-objects.http.auth.tokens = "%s,%s"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.loglevel = WARNING
                pekko.actor.serialize-messages = on
                durable-objects.journal.plugin-id = ""
                durable-objects.journal.snapshot-plugin-id = ""
                """
                    .formatted(ADMIN_TOKEN, API_TOKEN, TEST_ONLY_TOKEN))
            .withFallback(PersistenceTestKitPlugin.getInstance().config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config());
    return new GatewayNode(
        DurableObjectsServer.start(DurableObjectsServer.loadConfig(overrides.withFallback(test))));
  }

  public DurableObjectsServer server() {
    return server;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.httpAddress().getPort();
  }

  public int port() {
    return server.httpAddress().getPort();
  }

  public URI uri(String pathAndQuery) {
    return URI.create(baseUrl() + pathAndQuery);
  }

  /** Sends a request with a 15 s timeout and returns the response with its body as text. */
  public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET());
  }

  public HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  @Override
  public void close() {
    server.close();
  }
}
