package io.durableobjects.examples;

import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.gateway.DurableObjectsServer;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One node on the test's Cassandra and a headless Chromium with a profile of its own: what the
 * tests of the pages a node serves ({@link ChatPageIT}, {@link ConsolePageIT}) start.
 */
final class BrowserNode implements AutoCloseable {
  final DurableObjectsServer node;
  final HeadlessChromium chromium;
  final String baseUrl;

  private BrowserNode(DurableObjectsServer node, HeadlessChromium chromium) {
    this.node = node;
    this.chromium = chromium;
    this.baseUrl = "http://127.0.0.1:" + node.httpAddress().getPort();
  }

  /** A node of {@code test}'s keyspaces with {@code hocon} over the fixture's configuration. */
  static BrowserNode start(Class<?> test, EmbeddedCassandra cassandra, String hocon)
      throws Exception {
    NodeFixture fixture = new NodeFixture(test, cassandra);
    DurableObjectsServer node =
        DurableObjectsServer.start(
            DurableObjectsServer.loadConfig(
                ConfigFactory.parseString(hocon).withFallback(fixture.nodeConfig())));
    try {
      return new BrowserNode(
          node,
          HeadlessChromium.start(
              HeadlessChromium.find().orElseThrow(),
              Path.of("target", "chromium-profile-" + UUID.randomUUID())));
    } catch (Exception | Error e) {
      node.close();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      chromium.close();
    } finally {
      node.close();
    }
  }
}
