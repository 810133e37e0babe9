package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.stream.connectors.cassandra.DriverConfigLoaderFromConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cassandra credentials and TLS from the environment: the variables (given here as root keys, which
 * {@code ${?DO_X}} reads before the environment) become the driver's PlainTextAuthProvider and
 * DefaultSslEngineFactory settings, for the node's session and for the schema's.
 */
class CassandraSecurityTest {
  @TempDir Path dir;

  /** The configuration a node loads with these variables set. */
  private static Config load(String variables) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.load(ConfigFactory.parseString(variables));
  }

  /** The node's driver profile, read the way the Pekko Persistence Cassandra plugin reads it. */
  private static DriverExecutionProfile nodeDriver(Config loaded) {
    Config config = CassandraSecurity.fromConfig(loaded).nodeConfig().withFallback(loaded);
    DriverConfigLoader loader =
        new DriverConfigLoaderFromConfig(config.getConfig(CassandraSettings.DRIVER_PATH));
    return loader.getInitialConfig().getDefaultProfile();
  }

  private static DriverExecutionProfile schemaDriver(Config loaded) {
    return CassandraSchema.schemaSessionConfig(
            List.of(new InetSocketAddress("127.0.0.1", 9042)),
            "dc1",
            CassandraSecurity.fromConfig(loaded))
        .getInitialConfig()
        .getDefaultProfile();
  }

  @Test
  void withoutVariablesTheDriverNeitherAuthenticatesNorUsesTls() {
    Config loaded = load("");
    assertThat(CassandraSecurity.fromConfig(loaded)).isEqualTo(CassandraSecurity.NONE);
    for (DriverExecutionProfile profile : List.of(nodeDriver(loaded), schemaDriver(loaded))) {
      assertThat(profile.isDefined(DefaultDriverOption.AUTH_PROVIDER_CLASS)).isFalse();
      assertThat(profile.isDefined(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS)).isFalse();
    }
  }

  @Test
  void credentialsAndTlsBecomeTheDriversAuthProviderAndSslEngineFactory() throws Exception {
    Path truststore = Files.writeString(dir.resolve("truststore.p12"), "not read here");
    Config loaded =
        load(
            "DO_CASSANDRA_USERNAME = app\n"
                + "DO_CASSANDRA_PASSWORD = \"s3cret pass\"\n"
                + "DO_CASSANDRA_TLS = \"true\"\n"
                + "DO_CASSANDRA_TRUSTSTORE_PATH = \""
                + truststore
                + "\"\n"
                + "DO_CASSANDRA_TRUSTSTORE_PASSWORD = changeit\n");
    for (DriverExecutionProfile profile : List.of(nodeDriver(loaded), schemaDriver(loaded))) {
      assertThat(profile.getString(DefaultDriverOption.AUTH_PROVIDER_CLASS))
          .isEqualTo("PlainTextAuthProvider");
      assertThat(profile.getString(DefaultDriverOption.AUTH_PROVIDER_USER_NAME)).isEqualTo("app");
      assertThat(profile.getString(DefaultDriverOption.AUTH_PROVIDER_PASSWORD))
          .isEqualTo("s3cret pass");
      assertThat(profile.getString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS))
          .isEqualTo("DefaultSslEngineFactory");
      assertThat(profile.getString(DefaultDriverOption.SSL_TRUSTSTORE_PATH))
          .isEqualTo(truststore.toString());
      assertThat(profile.getString(DefaultDriverOption.SSL_TRUSTSTORE_PASSWORD))
          .isEqualTo("changeit");
      assertThat(profile.getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isTrue();
    }
    // The node's other driver settings stay (the overlay adds, it does not replace the section).
    assertThat(nodeDriver(loaded).getString(DefaultDriverOption.REQUEST_CONSISTENCY))
        .isEqualTo("QUORUM");
    assertThat(CassandraSecurity.fromConfig(loaded).toString())
        .contains("username=app", "tls=true")
        .doesNotContain("s3cret", "changeit");
  }

  @Test
  void tlsAloneUsesTheJvmsTruststoreAndMayTurnHostnameValidationOff() {
    Config loaded =
        load(
            "DO_CASSANDRA_TLS = true\n"
                + "DO_CASSANDRA_TLS_HOSTNAME_VALIDATION = false\n"
                // The manifests set the path always; without the Secret's file TLS stays off.
                + "DO_CASSANDRA_TRUSTSTORE_PATH = \"\"\n");
    DriverExecutionProfile profile = nodeDriver(loaded);
    assertThat(profile.isDefined(DefaultDriverOption.AUTH_PROVIDER_CLASS)).isFalse();
    assertThat(profile.getString(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS))
        .isEqualTo("DefaultSslEngineFactory");
    assertThat(profile.getBoolean(DefaultDriverOption.SSL_HOSTNAME_VALIDATION)).isFalse();
    assertThat(profile.isDefined(DefaultDriverOption.SSL_TRUSTSTORE_PATH)).isFalse();
  }

  @Test
  void aTruststorePathIsIgnoredWhileTlsIsOff() {
    Config loaded = load("DO_CASSANDRA_TRUSTSTORE_PATH = /nowhere/truststore.p12\n");
    assertThat(CassandraSecurity.fromConfig(loaded).tls()).isFalse();
    assertThat(nodeDriver(loaded).isDefined(DefaultDriverOption.SSL_ENGINE_FACTORY_CLASS))
        .isFalse();
  }

  @Test
  void mistakesAreReportedWithTheSettingAndTheVariable() {
    assertThatThrownBy(() -> CassandraSecurity.fromConfig(load("DO_CASSANDRA_USERNAME = app")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "durable-objects.cassandra.auth.username (DO_CASSANDRA_USERNAME) is set but"
                + " durable-objects.cassandra.auth.password (DO_CASSANDRA_PASSWORD) is empty: set"
                + " both or neither");
    assertThatThrownBy(() -> CassandraSecurity.fromConfig(load("DO_CASSANDRA_PASSWORD = x")))
        .hasMessageContaining("(DO_CASSANDRA_PASSWORD) is set but")
        .hasMessageContaining("(DO_CASSANDRA_USERNAME) is empty");
    assertThatThrownBy(() -> CassandraSecurity.fromConfig(load("DO_CASSANDRA_TLS = yes please")))
        .hasMessage(
            "durable-objects.cassandra.tls.enabled (DO_CASSANDRA_TLS) must be true or false, but"
                + " was \"yes please\"");
    assertThatThrownBy(
            () ->
                CassandraSecurity.fromConfig(
                    load(
                        "DO_CASSANDRA_TLS = true\n"
                            + "DO_CASSANDRA_TRUSTSTORE_PATH = /nowhere/truststore.p12")))
        .hasMessage(
            "durable-objects.cassandra.tls.truststore-path (DO_CASSANDRA_TRUSTSTORE_PATH): no"
                + " readable file at /nowhere/truststore.p12 (TLS to Cassandra is on:"
                + " durable-objects.cassandra.tls.enabled, DO_CASSANDRA_TLS)");
  }
}
