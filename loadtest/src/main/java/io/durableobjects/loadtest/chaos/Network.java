package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where the nodes of the cluster live on the network, and whether one can be cut off from the
 * others: {@link Loopback} (every node on 127.0.0.1, no partitions) or {@link NetworkNamespaces}
 * (each node in a Linux network namespace of its own, routed through the host, which can drop the
 * traffic between two nodes).
 */
interface Network extends AutoCloseable {
  /**
   * The address node {@code node} (0-based) binds and is reached at: HTTP, remoting, management.
   */
  String host(int node);

  /** What to put in front of the node's {@code java} command (e.g. {@code ip netns exec ns}). */
  List<String> commandPrefix(int node);

  /** {@code host:port} at which node {@code node} reaches Cassandra's CQL port. */
  String cassandraContactPoint(int node, int cqlPort) throws IOException;

  /** System properties the nodes need on this network. */
  Map<String, String> nodeProperties();

  /** Why {@link #isolate} cannot work here; null when it can. */
  String partitionUnavailableReason();

  /**
   * Drops every packet between {@code node} and the other nodes, both ways; the node still reaches
   * Cassandra and the clients still reach it.
   */
  void isolate(int node);

  /** Undoes {@link #isolate}. */
  void heal();

  /** A short description for the report. */
  String describe();

  @Override
  void close();

  /** Every node on 127.0.0.1. */
  final class Loopback implements Network {
    private final String why;

    Loopback(String whyNoPartition) {
      this.why = whyNoPartition;
    }

    @Override
    public String host(int node) {
      return "127.0.0.1";
    }

    @Override
    public List<String> commandPrefix(int node) {
      return List.of();
    }

    @Override
    public String cassandraContactPoint(int node, int cqlPort) {
      return "127.0.0.1:" + cqlPort;
    }

    @Override
    public Map<String, String> nodeProperties() {
      return Map.of();
    }

    @Override
    public String partitionUnavailableReason() {
      return why;
    }

    @Override
    public void isolate(int node) {
      throw new UnsupportedOperationException(why);
    }

    @Override
    public void heal() {}

    @Override
    public String describe() {
      return "loopback (every node on 127.0.0.1)";
    }

    @Override
    public void close() {}
  }
}
