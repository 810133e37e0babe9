package io.durableobjects.gateway.internal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * INTERNAL API: whether and how a node runs Pekko Management and cluster bootstrap, read and
 * validated from the configuration before the actor system starts, so that a mistake stops the node
 * with a message naming the setting and its environment variable.
 *
 * <p>Keys: {@code durable-objects.node.management.enabled} ({@code DO_MANAGEMENT_ENABLED}), {@code
 * durable-objects.node.cluster-bootstrap.discovery-method} ({@code DO_DISCOVERY_METHOD}), and the
 * libraries' own {@code pekko.management.http.*} and {@code
 * pekko.management.cluster.bootstrap.contact-point-discovery.*} (durable-objects-node.conf maps
 * {@code DO_MANAGEMENT_HOST}, {@code DO_MANAGEMENT_PORT}, {@code DO_BOOTSTRAP_SERVICE_NAME}, {@code
 * DO_BOOTSTRAP_REQUIRED_CONTACT_POINTS} and {@code DO_BOOTSTRAP_LABEL_SELECTOR} onto them).
 *
 * @param enabled whether Pekko Management's HTTP endpoint runs
 * @param host the management hostname other nodes and probes reach
 * @param port the management port; 0 picks a free one
 * @param discoveryMethod the Pekko Discovery method cluster bootstrap uses, empty for none (the
 *     node then joins the seed nodes, or itself)
 */
public record ManagementSettings(
    boolean enabled, String host, int port, Optional<String> discoveryMethod) {

  static final String ENABLED = "durable-objects.node.management.enabled";
  static final String DISCOVERY = "durable-objects.node.cluster-bootstrap.discovery-method";
  static final String HOST = "pekko.management.http.hostname";
  static final String PORT = "pekko.management.http.port";
  static final String CONTACT_POINTS =
      "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr";
  static final String SERVICE_NAME =
      "pekko.management.cluster.bootstrap.contact-point-discovery.service-name";
  static final String LIBRARY_DISCOVERY =
      "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method";

  /** Whether cluster bootstrap forms or joins the cluster (instead of seed nodes). */
  public boolean bootstrap() {
    return discoveryMethod.isPresent();
  }

  /**
   * Reads and validates the settings.
   *
   * @throws ConfigException.BadValue naming the setting and its environment variable
   */
  public static ManagementSettings fromConfig(Config config) {
    boolean enabled = bool(config, ENABLED, "DO_MANAGEMENT_ENABLED");
    String host = config.getString(HOST).strip();
    if (host.isEmpty()) {
      throw new ConfigException.BadValue(
          HOST, "(DO_MANAGEMENT_HOST) must not be empty: the address other nodes and probes reach");
    }
    int port = integer(config, PORT, "DO_MANAGEMENT_PORT", 0, 65535);
    String method = config.getString(DISCOVERY).strip();
    if (method.isEmpty()) {
      return new ManagementSettings(enabled, host, port, Optional.empty());
    }

    TreeSet<String> known = new TreeSet<>();
    config
        .getObject("pekko.discovery")
        .forEach(
            (name, value) -> {
              if (config.hasPath(
                  "pekko.discovery."
                      + com.typesafe.config.ConfigUtil.quoteString(name)
                      + ".class")) {
                known.add(name);
              }
            });
    if (!known.contains(method)) {
      throw new ConfigException.BadValue(
          DISCOVERY,
          "(DO_DISCOVERY_METHOD) '"
              + method
              + "' is not a Pekko Discovery method on the classpath;"
              + " known: "
              + String.join(", ", known)
              + " (on Kubernetes: kubernetes-api)");
    }
    if (!enabled) {
      throw new ConfigException.BadValue(
          DISCOVERY,
          "(DO_DISCOVERY_METHOD="
              + method
              + ") needs Pekko Management, which cluster bootstrap"
              + " uses to probe the other nodes: set DO_MANAGEMENT_ENABLED=true ("
              + ENABLED
              + " = on)");
    }
    List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
    if (!seeds.isEmpty()) {
      throw new ConfigException.BadValue(
          DISCOVERY,
          "(DO_DISCOVERY_METHOD="
              + method
              + ") and seed nodes "
              + seeds
              + " (pekko.cluster.seed-nodes, DO_SEED_NODES) exclude each other: cluster bootstrap"
              + " finds the other nodes itself; set only one of them");
    }
    integer(config, CONTACT_POINTS, "DO_BOOTSTRAP_REQUIRED_CONTACT_POINTS", 1, 1000);
    if (config.getString(SERVICE_NAME).isBlank()) {
      throw new ConfigException.BadValue(
          SERVICE_NAME, "(DO_BOOTSTRAP_SERVICE_NAME) must not be empty");
    }
    if (method.equals("kubernetes-api") && isLoopback(host)) {
      throw new ConfigException.BadValue(
          HOST,
          "(DO_MANAGEMENT_HOST) is '"
              + host
              + "', a loopback address, but with"
              + " DO_DISCOVERY_METHOD=kubernetes-api the other pods probe this node there and the"
              + " node recognises itself among the discovered pods by it: set it to the pod IP"
              + " (status.podIP)");
    }
    return new ManagementSettings(enabled, host, port, Optional.of(method));
  }

  /**
   * {@code config} with the library settings this implies: the bootstrap's discovery method. The
   * library default ({@code pekko.discovery}) is left alone when no method is chosen.
   */
  public Config applyTo(Config config) {
    return discoveryMethod
        .map(m -> config.withValue(LIBRARY_DISCOVERY, ConfigValueFactory.fromAnyRef(m)))
        .orElse(config);
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+|\\[?[0-9A-Fa-f:]+\\]?")) {
      return false; // a name: resolving it here could block; Kubernetes sets an IP
    }
    try {
      return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean bool(Config config, String path, String variable) {
    try {
      return config.getBoolean(path);
    } catch (ConfigException.WrongType e) {
      throw new ConfigException.BadValue(
          path,
          "("
              + variable
              + ") must be true or false (also on/off, yes/no), got '"
              + config.getValue(path).unwrapped()
              + "'");
    }
  }

  private static int integer(Config config, String path, String variable, int min, int max) {
    int value;
    try {
      value = config.getInt(path);
    } catch (ConfigException.WrongType e) {
      throw new ConfigException.BadValue(
          path,
          "("
              + variable
              + ") must be a whole number from "
              + min
              + " to "
              + max
              + ", got '"
              + config.getValue(path).unwrapped()
              + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException.BadValue(
          path, "(" + variable + ") must be from " + min + " to " + max + ", got " + value);
    }
    return value;
  }
}
