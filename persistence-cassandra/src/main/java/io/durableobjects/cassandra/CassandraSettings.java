package io.durableobjects.cassandra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.cassandra.internal.ContactPointParser;
import io.durableobjects.cassandra.internal.CqlValidation;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Typed, validated view of the {@code durable-objects.cassandra} configuration section: where the
 * journal and snapshots live, the replication used when the schema is created, and the driver's
 * local data center.
 *
 * <p>This module's {@code reference.conf} wires these values into its own instance of the Pekko
 * Persistence Cassandra plugin ({@value #PLUGIN_PATH}) and its driver section ({@value
 * #DRIVER_PATH}) through substitutions, which take effect when the configuration is loaded with
 * {@code ConfigFactory.load()} (application.conf, {@code -D} properties). When a {@link Config} is
 * layered in code on top of an already resolved configuration, substitutions are not re-evaluated:
 * use {@link #pluginConfig()} as the overlay instead, it sets the plugin and driver keys directly.
 *
 * <p>Contact points are not part of this section. The driver's {@code
 * datastax-java-driver.basic.contact-points} stays as configured (driver default: 127.0.0.1:9042);
 * {@link #parseContactPoints(String)} and {@link #contactPointsConfig(List)} turn a {@code
 * host:port,host:port} string, e.g. from environment variable {@value #CONTACT_POINTS_ENV}, into an
 * overlay.
 *
 * <p>Instances are immutable; every factory and {@code withX} method validates and throws {@link
 * IllegalArgumentException} naming the offending setting and value.
 */
public final class CassandraSettings {

  /** The configuration section read by {@link #fromConfig(Config)}. */
  public static final String CONFIG_PATH = "durable-objects.cassandra";

  /** The plugin instance the objects journal to (its journal and snapshot store are below it). */
  public static final String PLUGIN_PATH = CONFIG_PATH + ".plugin";

  /** The DataStax driver settings of that plugin's session. */
  public static final String DRIVER_PATH = CONFIG_PATH + ".driver";

  /** Environment variable an application may read contact points from ({@code host:port,...}). */
  public static final String CONTACT_POINTS_ENV = "DO_CASSANDRA_CONTACT_POINTS";

  private final String journalKeyspace;
  private final String snapshotKeyspace;
  private final String replication;
  private final String localDatacenter;

  private CassandraSettings(
      String journalKeyspace, String snapshotKeyspace, String replication, String localDatacenter) {
    this.journalKeyspace =
        CqlValidation.keyspace(CONFIG_PATH + ".journal-keyspace", journalKeyspace);
    this.snapshotKeyspace =
        CqlValidation.keyspace(CONFIG_PATH + ".snapshot-keyspace", snapshotKeyspace);
    this.replication = replicationOf(replication);
    this.localDatacenter = datacenterOf(localDatacenter);
  }

  /**
   * Settings from explicit values.
   *
   * @throws IllegalArgumentException if any value is invalid
   */
  public static CassandraSettings create(
      String journalKeyspace, String snapshotKeyspace, String replication, String localDatacenter) {
    return new CassandraSettings(journalKeyspace, snapshotKeyspace, replication, localDatacenter);
  }

  /**
   * Reads {@value #CONFIG_PATH} from a resolved configuration (normally the actor system's).
   *
   * @throws IllegalArgumentException if a key is missing, has the wrong type or an invalid value
   */
  public static CassandraSettings fromConfig(Config config) {
    Objects.requireNonNull(config, "config");
    return new CassandraSettings(
        string(config, "journal-keyspace"),
        string(config, "snapshot-keyspace"),
        string(config, "replication"),
        string(config, "local-datacenter"));
  }

  /** Keyspace of the journal tables (messages, tag_views, metadata, ...). */
  public String journalKeyspace() {
    return journalKeyspace;
  }

  /** Keyspace of the snapshots table. */
  public String snapshotKeyspace() {
    return snapshotKeyspace;
  }

  /** CQL replication map used by {@link CassandraSchema} when it creates the keyspaces. */
  public String replication() {
    return replication;
  }

  /** The driver's local data center. */
  public String localDatacenter() {
    return localDatacenter;
  }

  /** A copy with another journal keyspace. */
  public CassandraSettings withJournalKeyspace(String keyspace) {
    return new CassandraSettings(keyspace, snapshotKeyspace, replication, localDatacenter);
  }

  /** A copy with another snapshot keyspace. */
  public CassandraSettings withSnapshotKeyspace(String keyspace) {
    return new CassandraSettings(journalKeyspace, keyspace, replication, localDatacenter);
  }

  /** A copy with another replication map. */
  public CassandraSettings withReplication(String newReplication) {
    return new CassandraSettings(
        journalKeyspace, snapshotKeyspace, newReplication, localDatacenter);
  }

  /** A copy with another local data center. */
  public CassandraSettings withLocalDatacenter(String datacenter) {
    return new CassandraSettings(journalKeyspace, snapshotKeyspace, replication, datacenter);
  }

  /**
   * A configuration overlay with these settings and the plugin/driver keys derived from them
   * ({@code durable-objects.cassandra.plugin.journal.keyspace}, {@code ...snapshot.keyspace},
   * {@code durable-objects.cassandra.driver.basic.load-balancing-policy.local-datacenter}), for
   * layering with {@code withFallback} on top of an already resolved configuration.
   */
  public Config pluginConfig() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(CONFIG_PATH + ".journal-keyspace", journalKeyspace);
    values.put(CONFIG_PATH + ".snapshot-keyspace", snapshotKeyspace);
    values.put(CONFIG_PATH + ".replication", replication);
    values.put(CONFIG_PATH + ".local-datacenter", localDatacenter);
    values.put(PLUGIN_PATH + ".journal.keyspace", journalKeyspace);
    values.put(PLUGIN_PATH + ".snapshot.keyspace", snapshotKeyspace);
    values.put(DRIVER_PATH + ".basic.load-balancing-policy.local-datacenter", localDatacenter);
    return ConfigFactory.parseMap(values, "CassandraSettings.pluginConfig");
  }

  /**
   * Parses {@code host:port[,host:port...]} (IPv6 hosts in brackets: {@code [::1]:9042}). Hosts are
   * not resolved here; the driver resolves them when it connects.
   *
   * @throws IllegalArgumentException naming the malformed entry
   */
  public static List<InetSocketAddress> parseContactPoints(String contactPoints) {
    if (contactPoints == null || contactPoints.isBlank()) {
      throw new IllegalArgumentException(
          "contact points must not be empty; expected host:port[,host:port...] such as"
              + " 127.0.0.1:9042");
    }
    String[] entries = contactPoints.split(",", -1);
    List<InetSocketAddress> result = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      result.add(ContactPointParser.parse(entries[i].strip(), i + 1, contactPoints));
    }
    return List.copyOf(result);
  }

  /**
   * An overlay that sets {@code datastax-java-driver.basic.contact-points} and the same key of the
   * objects' driver section ({@value #DRIVER_PATH}).
   *
   * @throws IllegalArgumentException if the list is empty or has a port outside 1..65535
   */
  public static Config contactPointsConfig(List<InetSocketAddress> contactPoints) {
    if (contactPoints == null || contactPoints.isEmpty()) {
      throw new IllegalArgumentException("contact points must not be empty");
    }
    List<String> values = new ArrayList<>();
    for (InetSocketAddress address : contactPoints) {
      if (address == null || address.getPort() < 1) {
        throw new IllegalArgumentException(
            "contact point " + address + " needs a host and a port between 1 and 65535");
      }
      String host = address.getHostString();
      values.add((host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }
    // Both the driver's usual section and ours, so the overlay works before and after resolution.
    return ConfigFactory.parseMap(
        Map.of(
            "datastax-java-driver.basic.contact-points",
            values,
            DRIVER_PATH + ".basic.contact-points",
            values),
        "CassandraSettings.contactPointsConfig");
  }

  /** {@link #contactPointsConfig(List)} of {@link #parseContactPoints(String)}. */
  public static Config contactPointsConfig(String contactPoints) {
    return contactPointsConfig(parseContactPoints(contactPoints));
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof CassandraSettings)) {
      return false;
    }
    CassandraSettings that = (CassandraSettings) other;
    return journalKeyspace.equals(that.journalKeyspace)
        && snapshotKeyspace.equals(that.snapshotKeyspace)
        && replication.equals(that.replication)
        && localDatacenter.equals(that.localDatacenter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(journalKeyspace, snapshotKeyspace, replication, localDatacenter);
  }

  @Override
  public String toString() {
    return "CassandraSettings(journal-keyspace="
        + journalKeyspace
        + ", snapshot-keyspace="
        + snapshotKeyspace
        + ", replication="
        + replication
        + ", local-datacenter="
        + localDatacenter
        + ")";
  }

  private static String string(Config config, String key) {
    String path = CONFIG_PATH + "." + key;
    try {
      return config.getString(path);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid setting " + path + ": " + e.getMessage(), e);
    }
  }

  private static String replicationOf(String value) {
    try {
      return CqlValidation.replication(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(CONFIG_PATH + ".replication: " + e.getMessage(), e);
    }
  }

  private static String datacenterOf(String value) {
    if (value == null || value.isBlank() || !value.equals(value.strip()) || value.contains("\"")) {
      throw new IllegalArgumentException(
          CONFIG_PATH
              + ".local-datacenter must be a data center name such as \"datacenter1\", but was "
              + (value == null ? "null" : "\"" + value + "\""));
    }
    return value;
  }
}
