package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSettingsTest {

  @Test
  void referenceConfWiresThePluginAndTheDriver() {
    Config config = ConfigFactory.load();

    CassandraSettings settings = CassandraSettings.fromConfig(config);
    assertThat(settings.journalKeyspace()).isEqualTo("durable_objects");
    assertThat(settings.snapshotKeyspace()).isEqualTo("durable_objects_snapshot");
    assertThat(settings.replication())
        .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
    assertThat(settings.localDatacenter()).isEqualTo("datacenter1");

    assertThat(config.getString("durable-objects.journal.plugin-id"))
        .isEqualTo("durable-objects.cassandra.journal");
    assertThat(config.getString("durable-objects.journal.snapshot-plugin-id"))
        .isEqualTo("durable-objects.cassandra.plugin.snapshot");
    for (String part : List.of("journal", "snapshot")) {
      String path = "durable-objects.cassandra.plugin." + part;
      assertThat(config.getBoolean(path + ".keyspace-autocreate")).as(path).isFalse();
      assertThat(config.getBoolean(path + ".tables-autocreate")).as(path).isFalse();
    }
    assertThat(config.getString("durable-objects.cassandra.plugin.journal.keyspace"))
        .isEqualTo("durable_objects");
    assertThat(config.getString("durable-objects.cassandra.plugin.snapshot.keyspace"))
        .isEqualTo("durable_objects_snapshot");
    assertThat(config.getString("durable-objects.cassandra.plugin.datastax-java-driver-config"))
        .isEqualTo("durable-objects.cassandra.driver");
    assertThat(
            config.getString(
                "durable-objects.cassandra.driver.basic.load-balancing-policy.local-datacenter"))
        .isEqualTo("datacenter1");
    assertThat(config.getBoolean("durable-objects.cassandra.driver.advanced.reconnect-on-init"))
        .isTrue();
    // Contact points keep the driver's default (unset: 127.0.0.1:9042).
    assertThat(config.hasPath("durable-objects.cassandra.driver.basic.contact-points")).isFalse();
  }

  @Test
  void applicationOverridesFlowIntoThePluginKeys() {
    Config config =
        ConfigFactory.load(
            ConfigFactory.parseString(
                "durable-objects.cassandra { journal-keyspace = j1, snapshot-keyspace = s1,"
                    + " local-datacenter = dc7 }"));

    assertThat(config.getString("durable-objects.cassandra.plugin.journal.keyspace"))
        .isEqualTo("j1");
    assertThat(config.getString("durable-objects.cassandra.plugin.snapshot.keyspace"))
        .isEqualTo("s1");
    assertThat(
            config.getString(
                "durable-objects.cassandra.driver.basic.load-balancing-policy.local-datacenter"))
        .isEqualTo("dc7");
  }

  @Test
  void pluginConfigOverlaysAnAlreadyResolvedConfig() {
    CassandraSettings settings =
        CassandraSettings.fromConfig(ConfigFactory.load())
            .withJournalKeyspace("j2")
            .withSnapshotKeyspace("s2")
            .withLocalDatacenter("dc2");

    Config config = settings.pluginConfig().withFallback(ConfigFactory.load());

    assertThat(config.getString("durable-objects.cassandra.plugin.journal.keyspace"))
        .isEqualTo("j2");
    assertThat(config.getString("durable-objects.cassandra.plugin.snapshot.keyspace"))
        .isEqualTo("s2");
    assertThat(
            config.getString(
                "durable-objects.cassandra.driver.basic.load-balancing-policy.local-datacenter"))
        .isEqualTo("dc2");
    assertThat(CassandraSettings.fromConfig(config)).isEqualTo(settings);
  }

  @Test
  void invalidSettingsNameTheKey() {
    assertThatThrownBy(() -> settingsWith("journal-keyspace = \"durable-objects\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "durable-objects.cassandra.journal-keyspace \"durable-objects\" is not a valid"
                + " Cassandra keyspace name")
        .hasMessageEndingWith("it contains '-' at index 7");
    assertThatThrownBy(() -> settingsWith("replication = \"SimpleStrategy\""))
        .hasMessageStartingWith(
            "durable-objects.cassandra.replication: replication must be a CQL map");
    assertThatThrownBy(() -> settingsWith("local-datacenter = \" \""))
        .hasMessage(
            "durable-objects.cassandra.local-datacenter must be a data center name such as"
                + " \"datacenter1\", but was \" \"");
    assertThatThrownBy(
            () ->
                CassandraSettings.fromConfig(
                    ConfigFactory.parseString("durable-objects.cassandra.journal-keyspace = x")))
        .hasMessageStartingWith("invalid setting durable-objects.cassandra.snapshot-keyspace:")
        .hasMessageContaining("No configuration setting found");
    assertThatThrownBy(() -> settingsWith("journal-keyspace { nested = 1 }"))
        .hasMessageStartingWith("invalid setting durable-objects.cassandra.journal-keyspace:")
        .hasMessageContaining("OBJECT");
  }

  @Test
  void parsesContactPoints() {
    assertThat(CassandraSettings.parseContactPoints("127.0.0.1:9042, cassandra-1.cassandra:19042"))
        .containsExactly(
            InetSocketAddress.createUnresolved("127.0.0.1", 9042),
            InetSocketAddress.createUnresolved("cassandra-1.cassandra", 19042));
    assertThat(CassandraSettings.parseContactPoints("[::1]:9042"))
        .containsExactly(InetSocketAddress.createUnresolved("::1", 9042));
  }

  @Test
  void rejectsMalformedContactPoints() {
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("contact points must not be empty");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints("a:1,,b:2"))
        .hasMessage("contact point #2 of \"a:1,,b:2\" is empty; expected host:port[,host:port...]");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints("cassandra"))
        .hasMessage(
            "contact point #1 of \"cassandra\" (\"cassandra\") has no port; expected host:port"
                + " such as cassandra:9042");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints("a:1,b:x"))
        .hasMessage(
            "contact point #2 of \"a:1,b:x\" (\"b:x\") has port \"x\"; expected a number from 1 to"
                + " 65535");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints("a:70000"))
        .hasMessageContaining("has port \"70000\"");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints(":9042"))
        .hasMessageContaining("has an empty host");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints("::1:9042"))
        .hasMessageContaining("write IPv6 addresses as [address]:port");
    assertThatThrownBy(() -> CassandraSettings.parseContactPoints("[::1]9042"))
        .hasMessageContaining("must look like [ipv6-address]:port");
  }

  @Test
  void contactPointsConfigSetsTheDriverList() {
    Config overlay = CassandraSettings.contactPointsConfig("10.0.0.1:9042,[::1]:9043");

    assertThat(overlay.getStringList("durable-objects.cassandra.driver.basic.contact-points"))
        .containsExactly("10.0.0.1:9042", "[::1]:9043");
    assertThatThrownBy(() -> CassandraSettings.contactPointsConfig(List.of()))
        .hasMessage("contact points must not be empty");
  }

  private static CassandraSettings settingsWith(String setting) {
    return CassandraSettings.fromConfig(
        ConfigFactory.parseString("durable-objects.cassandra." + setting)
            .withFallback(ConfigFactory.load()));
  }
}
