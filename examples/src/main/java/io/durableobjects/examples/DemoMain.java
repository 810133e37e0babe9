package io.durableobjects.examples;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.CassandraSchema;
import io.durableobjects.cassandra.CassandraSecurity;
import io.durableobjects.cassandra.CassandraSettings;
import io.durableobjects.cassandra.embedded.CommitLogSync;
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
 *
 * <p>Environment: {@code DO_CASSANDRA_CONTACT_POINTS} ({@code host:port,...}), {@code
 * DO_CASSANDRA_DATACENTER} (default {@code datacenter1}), {@code DO_DATA_DIR} (the embedded
 * Cassandra's data, default {@code ~/.durable-objects}), {@code DO_CASSANDRA_CREATE_SCHEMA} ({@code
 * true} by default: create the schema, idempotently, before the node starts; {@code false} where
 * several nodes start at once, e.g. on Kubernetes, and the schema is created once by {@code
 * CassandraSchemaTool}), Cassandra's credentials and TLS ({@code DO_CASSANDRA_USERNAME}, {@code
 * DO_CASSANDRA_PASSWORD}, {@code DO_CASSANDRA_TLS}, ..., see {@link CassandraSecurity}), and
 * everything {@link DurableObjectsServer} reads.
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

  /** DO_CASSANDRA_COMMITLOG_SYNC: batch (the default), group, or periodic (not durable). */
  private static CommitLogSync commitLogSync() {
    String value = System.getenv("DO_CASSANDRA_COMMITLOG_SYNC");
    try {
      return value == null || value.isBlank() ? CommitLogSync.BATCH : CommitLogSync.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("DO_CASSANDRA_COMMITLOG_SYNC: " + e.getMessage(), e);
    }
  }

  private static void run() throws Exception {
    String external = System.getenv("DO_CASSANDRA_CONTACT_POINTS");
    EmbeddedCassandra cassandra = null;
    List<InetSocketAddress> contactPoints;
    String datacenter;
    if (external == null || external.isBlank()) {
      Path dataDir = dataDirectory().resolve("cassandra");
      log.info(
          "Starting an embedded Cassandra in {} (set DO_CASSANDRA_CONTACT_POINTS to use another)",
          dataDir);
      // Stopped by our own hook below, after the node, so the node never loses its journal first.
      cassandra =
          EmbeddedCassandra.builder(dataDir)
              .registerShutdownHook(false)
              .commitLogSync(commitLogSync())
              .start();
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
    Config loaded = DurableObjectsServer.loadConfig(cassandraConfig);
    // Credentials and TLS (DO_CASSANDRA_USERNAME, DO_CASSANDRA_TLS, ...) for the node's driver
    // session and the schema's.
    CassandraSecurity security = CassandraSecurity.fromConfig(loaded);
    Config config = security.nodeConfig().withFallback(loaded);
    EmbeddedCassandra startedCassandra = cassandra;
    try {
      // The explicit schema step of a development setup (idempotent). Where nodes start together
      // it is off: concurrent schema changes from several clients can break Cassandra's schema.
      if (createSchema()) {
        CassandraSchema.create(contactPoints, CassandraSettings.fromConfig(config), security);
      } else {
        log.info("Not creating the schema (DO_CASSANDRA_CREATE_SCHEMA=false)");
      }
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

  private static boolean createSchema() {
    String value = System.getenv("DO_CASSANDRA_CREATE_SCHEMA");
    if (value == null || value.isBlank()) {
      return true;
    }
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "DO_CASSANDRA_CREATE_SCHEMA must be true or false, got '" + value + "'");
    };
  }

  private static Path dataDirectory() {
    String dir = System.getenv("DO_DATA_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("user.home"), ".durable-objects");
  }
}
