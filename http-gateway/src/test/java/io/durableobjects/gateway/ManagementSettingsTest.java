package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.internal.ManagementSettings;
import org.junit.jupiter.api.Test;

/**
 * Management and cluster bootstrap settings: the defaults of a local node, and a precise error,
 * naming setting and environment variable, for each mistake, before any actor system starts.
 */
class ManagementSettingsTest {

  private static Config config(String overrides) {
    return DurableObjectsServer.loadConfig(ConfigFactory.parseString(overrides));
  }

  private static ManagementSettings settings(String overrides) {
    return ManagementSettings.fromConfig(config(overrides));
  }

  @Test
  void aLocalNodeRunsNeitherManagementNorBootstrapByDefault() {
    ManagementSettings defaults = settings("");
    assertThat(defaults.enabled()).isFalse();
    assertThat(defaults.bootstrap()).isFalse();
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(7626);
    // No bootstrap: the library's own discovery-method default is left as it is.
    Config config = config("");
    assertThat(
            defaults
                .applyTo(config)
                .getString(
                    "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("pekko.discovery");
  }

  @Test
  void kubernetesBootstrapIsAcceptedAndHandedToTheLibrary() {
    String k8s =
        """
        durable-objects.node.management.enabled = on
        durable-objects.node.cluster-bootstrap.discovery-method = kubernetes-api
        pekko.management.http.hostname = "10.1.2.3"
        pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr = 3
        """;
    ManagementSettings settings = settings(k8s);
    assertThat(settings.bootstrap()).isTrue();
    assertThat(settings.discoveryMethod()).contains("kubernetes-api");
    Config applied = settings.applyTo(config(k8s));
    assertThat(
            applied.getString(
                "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("kubernetes-api");
    // The node's defaults for the Kubernetes API discovery.
    assertThat(applied.getString("pekko.discovery.kubernetes-api.pod-label-selector"))
        .isEqualTo("app=%s");
    assertThat(applied.getBoolean("pekko.discovery.kubernetes-api.use-raw-ip")).isTrue();
    // The checks that make /ready and /alive on the management port meaningful.
    assertThat(applied.getString("pekko.management.health-checks.readiness-checks.durable-objects"))
        .isEqualTo("io.durableobjects.gateway.internal.ManagementReadinessCheck");
    assertThat(applied.getString("pekko.management.health-checks.liveness-checks.durable-objects"))
        .isEqualTo("io.durableobjects.gateway.internal.ManagementLivenessCheck");
  }

  @Test
  void anUnknownDiscoveryMethodIsNamedWithTheKnownOnes() {
    assertThatThrownBy(
            () ->
                settings(
                    """
                    durable-objects.node.management.enabled = on
                    durable-objects.node.cluster-bootstrap.discovery-method = kubernetes
                    """))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("DO_DISCOVERY_METHOD")
        .hasMessageContaining("'kubernetes' is not a Pekko Discovery method")
        .hasMessageContaining("kubernetes-api")
        .hasMessageContaining("config");
  }

  @Test
  void bootstrapNeedsManagement() {
    assertThatThrownBy(
            () -> settings("durable-objects.node.cluster-bootstrap.discovery-method = config"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("needs Pekko Management")
        .hasMessageContaining("DO_MANAGEMENT_ENABLED=true");
  }

  @Test
  void bootstrapAndSeedNodesExcludeEachOther() {
    assertThatThrownBy(
            () ->
                settings(
                    """
                    durable-objects.node.management.enabled = on
                    durable-objects.node.cluster-bootstrap.discovery-method = config
                    pekko.cluster.seed-nodes = ["pekko://durable-objects@127.0.0.1:2551"]
                    """))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("DO_DISCOVERY_METHOD=config")
        .hasMessageContaining("DO_SEED_NODES")
        .hasMessageContaining("pekko://durable-objects@127.0.0.1:2551")
        .hasMessageContaining("exclude each other");
  }

  @Test
  void kubernetesBootstrapRefusesALoopbackManagementHost() {
    assertThatThrownBy(
            () ->
                settings(
                    """
                    durable-objects.node.management.enabled = on
                    durable-objects.node.cluster-bootstrap.discovery-method = kubernetes-api
                    """))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("DO_MANAGEMENT_HOST")
        .hasMessageContaining("'127.0.0.1', a loopback address")
        .hasMessageContaining("status.podIP");
  }

  @Test
  void numbersAndSwitchesAreChecked() {
    String bootstrap =
        """
        durable-objects.node.management.enabled = on
        durable-objects.node.cluster-bootstrap.discovery-method = config
        """;
    assertThatThrownBy(
            () ->
                settings(
                    bootstrap
                        + "pekko.management.cluster.bootstrap.contact-point-discovery"
                        + ".required-contact-point-nr = two"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("DO_BOOTSTRAP_REQUIRED_CONTACT_POINTS")
        .hasMessageContaining("whole number from 1 to 1000, got 'two'");
    assertThatThrownBy(
            () ->
                settings(
                    bootstrap
                        + "pekko.management.cluster.bootstrap.contact-point-discovery"
                        + ".required-contact-point-nr = 0"))
        .hasMessageContaining("must be from 1 to 1000, got 0");
    assertThatThrownBy(() -> settings("pekko.management.http.port = 70000"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("DO_MANAGEMENT_PORT")
        .hasMessageContaining("got 70000");
    assertThatThrownBy(() -> settings("pekko.management.http.port = seven"))
        .hasMessageContaining("DO_MANAGEMENT_PORT")
        .hasMessageContaining("got 'seven'");
    assertThatThrownBy(() -> settings("durable-objects.node.management.enabled = maybe"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("DO_MANAGEMENT_ENABLED")
        .hasMessageContaining("must be true or false")
        .hasMessageContaining("'maybe'");
    assertThatThrownBy(() -> settings("pekko.management.http.hostname = \" \""))
        .hasMessageContaining("DO_MANAGEMENT_HOST")
        .hasMessageContaining("must not be empty");
  }

  @Test
  void theServerRefusesBadSettingsBeforeStartingAnything() {
    assertThatThrownBy(
            () ->
                DurableObjectsServer.start(
                    config(
                        """
                        durable-objects.http.port = 0
                        durable-objects.node.cluster-bootstrap.discovery-method = kubernetes-api
                        """)))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("needs Pekko Management");
  }
}
