package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfig;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultDriverConfigLoader;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every driver execution profile a node uses reads and writes at QUORUM, with Paxos at SERIAL, as
 * the driver itself resolves them from the loaded configuration: an acknowledged event, snapshot,
 * catalog entry or alarm index row is seen by every later read whichever replica answers.
 */
class CassandraConsistencyTest {

  @Test
  void everyProfileOfTheNodeIsQuorum() {
    Config config = ConfigFactory.load();
    Map<String, String> profiles = new LinkedHashMap<>();
    profiles.put(
        "journal read", config.getString("durable-objects.cassandra.journal.read-profile"));
    profiles.put(
        "journal write", config.getString("durable-objects.cassandra.journal.write-profile"));
    profiles.put(
        "snapshot read",
        config.getString(CassandraSettings.PLUGIN_PATH + ".snapshot.read-profile"));
    profiles.put(
        "snapshot write",
        config.getString(CassandraSettings.PLUGIN_PATH + ".snapshot.write-profile"));
    // The catalog and the alarm index use the plugin's shared profiles.
    profiles.put(
        "catalog and alarm index read",
        config.getString(CassandraSettings.PLUGIN_PATH + ".read-profile"));
    profiles.put(
        "catalog and alarm index write",
        config.getString(CassandraSettings.PLUGIN_PATH + ".write-profile"));
    // The session of all of them is the plugin's, configured by this driver section.
    assertThat(config.getString(CassandraSettings.PLUGIN_PATH + ".datastax-java-driver-config"))
        .isEqualTo(CassandraSettings.DRIVER_PATH);

    DriverConfig driver =
        new DefaultDriverConfigLoader(() -> config.getConfig(CassandraSettings.DRIVER_PATH))
            .getInitialConfig();
    profiles.forEach(
        (use, name) -> {
          DriverExecutionProfile profile = driver.getProfile(name);
          assertThat(profile.getString(DefaultDriverOption.REQUEST_CONSISTENCY))
              .as("consistency of %s (profile %s)", use, name)
              .isEqualTo("QUORUM");
          assertThat(profile.getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY))
              .as("serial consistency of %s (profile %s)", use, name)
              .isEqualTo("SERIAL");
        });
    // Statements without a profile (the schema tool, the embedded node's probes) too.
    assertThat(driver.getDefaultProfile().getString(DefaultDriverOption.REQUEST_CONSISTENCY))
        .isEqualTo("QUORUM");
  }
}
