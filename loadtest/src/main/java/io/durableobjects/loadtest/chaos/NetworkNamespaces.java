package io.durableobjects.loadtest.chaos;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each node in a Linux network namespace of its own (iproute2: {@code ip netns}, a veth pair per
 * node), so that the network between nodes can really fail.
 *
 * <pre>
 *   host namespace                         namespace chaos&lt;pid&gt;-i
 *   10.S.i.1 (veth dc&lt;pid&gt;n&lt;i&gt;)  &lt;-------&gt;  10.S.i.2 (eth0, default route via 10.S.i.1)
 * </pre>
 *
 * The host routes between the nodes' subnets ({@code net.ipv4.ip_forward}, restored on close unless
 * another suite still runs). The clients (this JVM) reach node i at 10.S.i.2; node i reaches
 * Cassandra (127.0.0.1 of the host only) through a {@link TcpForwarder} on 10.S.i.1. {@link
 * #isolate} adds policy-routing rules in the host ({@code ip rule add iif <veth of j> to 10.S.i.2
 * blackhole}, both ways, for every other node j): the packets between node i and the others are
 * dropped silently, as on a cut link, while node i still reaches Cassandra and the clients still
 * reach node i. Needs root. Everything is removed on {@link #close} (and namespaces left by a suite
 * that died are removed at the next start).
 */
final class NetworkNamespaces implements Network {
  private static final Pattern OURS = Pattern.compile("chaos(\\d+)-\\d+");
  private static final int RULE_PRIORITY = 1000;

  private final long pid = ProcessHandle.current().pid();
  private final int nodes;
  private final int subnet;
  private final List<TcpForwarder> forwarders = new ArrayList<>();
  private final List<List<String>> rules = new ArrayList<>();
  private String previousForwarding;

  private NetworkNamespaces(int nodes, int subnet) {
    this.nodes = nodes;
    this.subnet = subnet;
  }

  /** Creates the namespaces and links, or throws with the reason (not root, no {@code ip}, ...). */
  static NetworkNamespaces create(int nodes) {
    removeLeftovers();
    String routes = Processes.run(List.of("ip", "-4", "route", "show", "table", "all"));
    int subnet = -1;
    for (int s = 77; s < 250 && subnet < 0; s++) {
      if (!routes.contains("10." + s + ".")) {
        subnet = s;
      }
    }
    if (subnet < 0) {
      throw new IllegalStateException("no free 10.x.0.0/16 for the nodes' namespaces");
    }
    NetworkNamespaces network = new NetworkNamespaces(nodes, subnet);
    try {
      network.setUp();
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  private void setUp() {
    Path forward = Path.of("/proc/sys/net/ipv4/ip_forward");
    try {
      previousForwarding = Files.readString(forward).strip();
      if (!previousForwarding.equals("1")) {
        Files.writeString(forward, "1");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot turn on IPv4 forwarding (" + e + ")", e);
    }
    for (int i = 0; i < nodes; i++) {
      String ns = namespace(i);
      String veth = veth(i);
      ip("netns", "add", ns);
      ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("addr", "add", hostSide(i) + "/24", "dev", veth);
      ip("link", "set", veth, "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "addr", "add", host(i) + "/24", "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "route", "add", "default", "via", hostSide(i));
    }
  }

  @Override
  public String host(int node) {
    return "10." + subnet + "." + (node + 1) + ".2";
  }

  private String hostSide(int node) {
    return "10." + subnet + "." + (node + 1) + ".1";
  }

  private String namespace(int node) {
    return "chaos" + pid + "-" + (node + 1);
  }

  private String veth(int node) {
    return "dc" + (pid % 10_000_000) + "n" + (node + 1);
  }

  @Override
  public List<String> commandPrefix(int node) {
    return List.of("ip", "netns", "exec", namespace(node));
  }

  @Override
  public synchronized String cassandraContactPoint(int node, int cqlPort) throws IOException {
    while (forwarders.size() <= node) {
      int i = forwarders.size();
      forwarders.add(
          new TcpForwarder(
              new InetSocketAddress(hostSide(i), cqlPort),
              new InetSocketAddress("127.0.0.1", cqlPort)));
    }
    return hostSide(node) + ":" + cqlPort;
  }

  @Override
  public Map<String, String> nodeProperties() {
    // The gateway binds a non-loopback address, where tokens are required by default.
    return Map.of("durable-objects.http.auth.required", "off");
  }

  @Override
  public String partitionUnavailableReason() {
    return null;
  }

  @Override
  public synchronized void isolate(int node) {
    for (int other = 0; other < nodes; other++) {
      if (other != node) {
        addRule(veth(node), host(other));
        addRule(veth(other), host(node));
      }
    }
  }

  private void addRule(String fromLink, String to) {
    List<String> rule =
        List.of(
            "iif",
            fromLink,
            "to",
            to + "/32",
            "blackhole",
            "priority",
            Integer.toString(RULE_PRIORITY + rules.size()));
    List<String> add = new ArrayList<>(List.of("rule", "add"));
    add.addAll(rule);
    ip(add.toArray(String[]::new));
    rules.add(rule);
  }

  @Override
  public synchronized void heal() {
    for (List<String> rule : rules) {
      List<String> del = new ArrayList<>(List.of("rule", "del"));
      del.addAll(rule);
      try {
        ip(del.toArray(String[]::new));
      } catch (RuntimeException e) {
        System.err.println("chaos: could not remove ip rule " + rule + ": " + e.getMessage());
      }
    }
    rules.clear();
  }

  @Override
  public String describe() {
    return "network namespaces (node i at 10." + subnet + ".i.2; partitions by ip rule blackhole)";
  }

  @Override
  public synchronized void close() {
    heal();
    forwarders.forEach(TcpForwarder::close);
    forwarders.clear();
    for (int i = 0; i < nodes; i++) {
      try {
        Processes.run(List.of("ip", "link", "del", veth(i)));
      } catch (RuntimeException e) {
        // not created
      }
      try {
        Processes.run(List.of("ip", "netns", "del", namespace(i)));
      } catch (RuntimeException e) {
        // not created
      }
    }
    // Another suite running at the same time (its namespaces are there) still needs forwarding.
    if (previousForwarding != null && !previousForwarding.equals("1") && !otherSuitesRunning()) {
      try {
        Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), previousForwarding);
      } catch (IOException e) {
        System.err.println("chaos: could not restore net.ipv4.ip_forward: " + e);
      }
    }
  }

  /** Whether namespaces of another suite whose JVM still runs exist. */
  private boolean otherSuitesRunning() {
    for (String line : Processes.run(List.of("ip", "netns", "list")).split("\n")) {
      Matcher m = OURS.matcher(line.strip().split("\\s+")[0]);
      if (m.matches()
          && Long.parseLong(m.group(1)) != pid
          && ProcessHandle.of(Long.parseLong(m.group(1))).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** Removes the namespaces (and so their links) of suites whose JVM is gone. */
  private static void removeLeftovers() {
    String list = Processes.run(List.of("ip", "netns", "list"));
    for (String line : list.split("\n")) {
      Matcher m = OURS.matcher(line.strip().split("\\s+")[0]);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        try {
          Processes.run(List.of("ip", "netns", "del", m.group()));
        } catch (RuntimeException e) {
          System.err.println("chaos: could not remove the leftover namespace " + m.group());
        }
      }
    }
  }

  private static void ip(String... args) {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    Processes.run(command);
  }
}
