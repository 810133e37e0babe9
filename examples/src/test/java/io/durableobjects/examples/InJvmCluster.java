package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.gateway.DurableObjectsServer;
import io.durableobjects.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.remote.RARP;
import org.apache.pekko.remote.transport.ThrottlerTransportAdapter;

/**
 * Nodes of one cluster, each a {@link DurableObjectsServer} (its own ActorSystem and HTTP port) in
 * this JVM, on the Cassandra keyspaces of a {@link NodeFixture}. The first node is the seed; nodes
 * started later join through the nodes alive at that time, so the cluster outlives its seed. {@link
 * #close()} stops every node still running.
 */
final class InJvmCluster implements AutoCloseable {
  private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(60);

  private final NodeFixture fixture;
  private final Config overrides;
  private final List<DurableObjectsServer> nodes = new CopyOnWriteArrayList<>();

  /** A cluster of no nodes yet; {@code overrides} go into every node's configuration. */
  InJvmCluster(NodeFixture fixture, Config overrides) {
    this.fixture = fixture;
    this.overrides = overrides;
  }

  /** Starts {@code count} nodes, one after the other, and waits until all see each other Up. */
  InJvmCluster startNodes(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      startNode();
    }
    awaitUp(nodes.size());
    return this;
  }

  /**
   * Starts nodes until {@code count} run (none if they do already) and waits until all see each
   * other Up: for a test on a cluster that an earlier test may have shrunk.
   */
  InJvmCluster ensureNodes(int count) throws Exception {
    while (nodes.size() < count) {
      startNode();
    }
    awaitUp(nodes.size());
    return this;
  }

  /** Starts one more node; it returns once the node is an Up member (the others may not know). */
  DurableObjectsServer startNode() throws Exception {
    String port;
    List<String> seeds = new ArrayList<>();
    if (nodes.isEmpty()) {
      int seedPort = NodeFixture.freePort();
      port = Integer.toString(seedPort);
      seeds.add("\"pekko://durable-objects@127.0.0.1:" + seedPort + "\"");
    } else {
      port = "0";
      for (DurableObjectsServer node : nodes) {
        seeds.add("\"" + address(node) + "\"");
      }
    }
    Config node =
        ConfigFactory.parseString(
            "pekko.remote.artery.canonical.port = "
                + port
                + "\npekko.cluster.seed-nodes = ["
                + String.join(",", seeds)
                + "]\npekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n");
    DurableObjectsServer server =
        DurableObjectsServer.start(
            DurableObjectsServer.loadConfig(
                node.withFallback(overrides).withFallback(fixture.nodeConfig())));
    nodes.add(server);
    return server;
  }

  /** The nodes running, oldest first. */
  List<DurableObjectsServer> nodes() {
    return List.copyOf(nodes);
  }

  /** Stops a node gracefully (CoordinatedShutdown: drain, hand objects over, leave). */
  void stop(DurableObjectsServer node) {
    nodes.remove(node);
    node.close();
  }

  /**
   * Cuts every connection between {@code node} and the other nodes (Artery's test-mode blackhole,
   * so the nodes need {@code pekko.remote.artery.advanced.test-mode = on}). It stays reachable over
   * HTTP and to Cassandra; the split-brain resolver is left to sort it out.
   */
  void isolate(DurableObjectsServer node) {
    RARP remoting = (RARP) RARP.apply(node.system().classicSystem());
    for (DurableObjectsServer other : nodes) {
      if (other != node) {
        remoting
            .provider()
            .transport()
            .managementCommand(
                new ThrottlerTransportAdapter.SetThrottle(
                    address(other),
                    ThrottlerTransportAdapter.bothDirection(),
                    ThrottlerTransportAdapter.blackholeThrottleMode()));
      }
    }
  }

  /** Waits until the node's actor system has terminated by itself (e.g. downed), then drops it. */
  void awaitTerminated(DurableObjectsServer node, Duration max) throws Exception {
    node.system()
        .getWhenTerminated()
        .toCompletableFuture()
        .get(max.toMillis(), TimeUnit.MILLISECONDS);
    nodes.remove(node);
    node.close(); // returns at once: its coordinated shutdown has run
  }

  /** Waits until every running node sees exactly {@code members} members, all Up. */
  void awaitUp(int members) throws InterruptedException {
    Await.until(
        "every node sees " + members + " Up members",
        MEMBERSHIP_TIMEOUT,
        () -> {
          boolean settled = true;
          for (DurableObjectsServer node : nodes) {
            Set<Member> seen = new HashSet<>();
            Cluster.get(node.system()).state().getMembers().forEach(seen::add);
            settled &=
                seen.size() == members
                    && seen.stream().allMatch(m -> m.status() == MemberStatus.up());
          }
          return settled;
        });
  }

  /** The IDs (64-hex strings) of the objects of {@code namespace} active on {@code node}. */
  static Set<String> hostedIds(DurableObjectsServer node, String namespace) {
    TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.system());
    ClusterSharding.get(node.system())
        .shardState()
        .tell(new GetShardRegionState(ShardedNamespace.typeKey(namespace), probe.getRef()));
    Set<String> ids = new HashSet<>();
    probe.receiveMessage().getShards().forEach(shard -> ids.addAll(shard.getEntityIds()));
    return ids;
  }

  /** The running node on which the object is active; fails if none or more than one has it. */
  DurableObjectsServer hostOf(DurableObjectId id) {
    List<DurableObjectsServer> hosts =
        nodes.stream()
            .filter(node -> hostedIds(node, id.namespace()).contains(id.toString()))
            .toList();
    assertThat(hosts).as("nodes on which object %s is active", id).hasSize(1);
    return hosts.get(0);
  }

  /** The ID of {@code name} in {@code namespace}, as every node derives it. */
  DurableObjectId idFromName(String namespace, String name) {
    return DurableObjects.get(nodes.get(0).system()).namespace(namespace).idFromName(name);
  }

  static int httpPort(DurableObjectsServer node) {
    return node.httpAddress().getPort();
  }

  static Address address(DurableObjectsServer node) {
    return Cluster.get(node.system()).selfMember().address();
  }

  /** A short description of the running nodes, for messages. */
  String describe() {
    return nodes.stream().map(n -> address(n).toString()).collect(Collectors.joining(", "));
  }

  @Override
  public void close() {
    List<DurableObjectsServer> youngestFirst = new ArrayList<>(nodes);
    Collections.reverse(youngestFirst);
    for (DurableObjectsServer node : youngestFirst) {
      try {
        stop(node);
      } catch (RuntimeException e) {
        System.err.println("stopping " + address(node) + " failed: " + e);
      }
    }
  }
}
