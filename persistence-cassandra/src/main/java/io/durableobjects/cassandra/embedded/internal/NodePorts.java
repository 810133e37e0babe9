package io.durableobjects.cassandra.embedded.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * INTERNAL API
 *
 * <p>The CQL and storage ports of one start. A requested (non-zero) port is used as is, after a
 * check that it is free. For port 0 the port of the previous successful start (from {@code
 * ports.properties} in the data directory) is reused when it is free, otherwise a free port is
 * picked; clients configured with the old port thus keep working after a restart.
 */
public final class NodePorts {

  private static final String CQL_KEY = "cql-port";
  private static final String STORAGE_KEY = "storage-port";

  private final int cqlPort;
  private final int storagePort;

  NodePorts(int cqlPort, int storagePort) {
    this.cqlPort = cqlPort;
    this.storagePort = storagePort;
  }

  /**
   * Chooses the ports for a start.
   *
   * @throws io.durableobjects.cassandra.embedded.EmbeddedCassandraException if a requested port is
   *     in use, or both requested ports are the same
   */
  public static NodePorts choose(String host, int requestedCql, int requestedStorage, Path file) {
    if (requestedCql != 0 && requestedCql == requestedStorage) {
      throw new IllegalArgumentException(
          "cqlPort and storagePort must differ, but both were " + requestedCql);
    }
    Properties remembered = load(file);
    int cql = pick(host, requestedCql, remembered, CQL_KEY, "CQL port", requestedStorage);
    int storage = pick(host, requestedStorage, remembered, STORAGE_KEY, "storage port", cql);
    return new NodePorts(cql, storage);
  }

  public int cqlPort() {
    return cqlPort;
  }

  public int storagePort() {
    return storagePort;
  }

  /** Remembers these ports for the next start; failures are ignored (only a convenience). */
  public void save(Path file) {
    Properties properties = new Properties();
    properties.setProperty(CQL_KEY, Integer.toString(cqlPort));
    properties.setProperty(STORAGE_KEY, Integer.toString(storagePort));
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(
          out, "Ports of the last start of this embedded Cassandra; reused for port 0");
    } catch (IOException e) {
      // A fresh free port is picked next time instead.
    }
  }

  private static int pick(
      String host, int requested, Properties remembered, String key, String what, int taken) {
    if (requested != 0) {
      Ports.requireFree(host, requested, what);
      return requested;
    }
    int previous = parse(remembered.getProperty(key));
    if (previous > 0 && previous != taken && Ports.isFree(host, previous)) {
      return previous;
    }
    return Ports.freePort(host, taken);
  }

  private static Properties load(Path file) {
    Properties properties = new Properties();
    if (Files.isRegularFile(file)) {
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        properties.load(in);
      } catch (IOException | IllegalArgumentException e) {
        // Unreadable: behave as on a first start.
      }
    }
    return properties;
  }

  private static int parse(String value) {
    try {
      int port = value == null ? 0 : Integer.parseInt(value.trim());
      return port > 0 && port <= 65535 ? port : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
