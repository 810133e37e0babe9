package io.durableobjects.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.CassandraSchema;
import io.durableobjects.cassandra.CassandraSettings;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import io.durableobjects.gateway.DurableObjectsServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo node behind {@code bin/demo}: an embedded Cassandra (unless {@code
 * DO_CASSANDRA_CONTACT_POINTS} names an external one), the journal schema, and one node serving the
 * example objects. Ctrl-C or SIGTERM stops the node first, then Cassandra.
 */
public final class DemoMain {
  private static final Logger log = LoggerFactory.getLogger(DemoMain.class);

  private DemoMain() {}

  public static void main(String[] args) throws Exception {
    DurableObjectsServer.avoidCommonPoolTrap();
    try {
      run();
    } catch (ConfigException
        | IllegalStateException
        | IllegalArgumentException
        | EmbeddedCassandraException e) {
      DurableObjectsServer.exitWithStartupError(e);
    }
  }

  private static void run() throws Exception {
    String external = System.getenv("DO_CASSANDRA_CONTACT_POINTS");
    EmbeddedCassandra cassandra = null;
    List<InetSocketAddress> contactPoints;
    String datacenter;
    if (external == null || external.isBlank()) {
      Path dataDir = dataDirectory().resolve("cassandra");
      log.info("Starting an embedded Cassandra in {} (set DO_CASSANDRA_CONTACT_POINTS to use another)", dataDir);
      // Stopped by our own hook below, after the node, so the node never loses its journal first.
      cassandra = EmbeddedCassandra.builder(dataDir).registerShutdownHook(false).start();
      contactPoints = List.of(cassandra.contactPoint());
      datacenter = cassandra.localDatacenter();
    } else {
      contactPoints = CassandraSettings.parseContactPoints(external);
      String dc = System.getenv("DO_CASSANDRA_DATACENTER");
      datacenter = dc == null || dc.isBlank() ? "datacenter1" : dc;
    }
    Config cassandraConfig =
        CassandraSettings.contactPointsConfig(contactPoints)
            .withFallback(
                ConfigFactory.parseString(
                    "durable-objects.cassandra.local-datacenter = \"" + datacenter + "\""));
    Config config = DurableObjectsServer.loadConfig(cassandraConfig);
    EmbeddedCassandra startedCassandra = cassandra;
    try {
      // The explicit schema step of a development setup (idempotent); nodes never create it.
      CassandraSchema.create(contactPoints, CassandraSettings.fromConfig(config));
      DurableObjectsServer server = DurableObjectsServer.start(config);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    if (startedCassandra != null) {
                      startedCassandra.close();
                    }
                  },
                  "demo-shutdown"));
      log.info(
          "Demo ready: curl -X POST http://{}:{}/v1/counter/by-name/a/increment",
          server.httpAddress().getHostString(),
          server.httpAddress().getPort());
      server.system().getWhenTerminated().toCompletableFuture().get();
    } catch (RuntimeException e) {
      if (startedCassandra != null) {
        startedCassandra.close();
      }
      throw e;
    }
  }


  private static Path dataDirectory() {
    String dir = System.getenv("DO_DATA_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("user.home"), ".durable-objects");
  }
}
