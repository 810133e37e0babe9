package io.durableobjects.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.durableobjects.gateway.internal.RemoteTls;
import io.durableobjects.testsupport.Await;
import io.durableobjects.testsupport.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS between the nodes (DO_REMOTE_TRANSPORT=tls-tcp with the DO_REMOTE_TLS_* stores): the
 * variables become Pekko's Artery settings, two nodes with the cluster's key form a cluster over
 * TLS, a node whose certificate the cluster does not trust cannot join, and missing stores stop the
 * node before it starts, naming the variable. The variables are given as root keys, which {@code
 * ${?DO_X}} reads before the environment.
 */
@Timeout(120)
class RemoteTlsTest {
  private static final String PASSWORD = "changeit-0123456789";

  @TempDir Path dir;
  private final List<ActorSystem<Void>> systems = new ArrayList<>();

  @AfterEach
  void stop() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
  }

  private Config node(int port, Path keystore, Path truststore) {
    return DurableObjectsServer.loadConfig(
        ConfigFactory.parseString(
            """
            DO_REMOTE_TRANSPORT = tls-tcp
            DO_REMOTE_PORT = %d
            DO_REMOTE_TLS_KEYSTORE = "%s"
            DO_REMOTE_TLS_KEYSTORE_PASSWORD = "%s"
            DO_REMOTE_TLS_TRUSTSTORE = "%s"
            DO_REMOTE_TLS_TRUSTSTORE_PASSWORD = "%s"
            pekko.loglevel = WARNING
            """
                .formatted(port, keystore, PASSWORD, truststore, PASSWORD)));
  }

  @Test
  void theVariablesSelectArteryTlsWithTheStores() {
    Config config = node(25520, dir.resolve("k.p12"), dir.resolve("t.p12"));
    assertThat(config.getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");
    Config engine = config.getConfig("pekko.remote.artery.ssl.config-ssl-engine");
    assertThat(engine.getString("key-store")).isEqualTo(dir.resolve("k.p12").toString());
    assertThat(engine.getString("key-store-password")).isEqualTo(PASSWORD);
    assertThat(engine.getString("key-password")).isEqualTo(PASSWORD);
    assertThat(engine.getString("trust-store")).isEqualTo(dir.resolve("t.p12").toString());
    assertThat(engine.getString("trust-store-password")).isEqualTo(PASSWORD);
    // Pekko's defaults stay: mutual authentication, TLSv1.3.
    assertThat(engine.getBoolean("require-mutual-authentication")).isTrue();
    assertThat(engine.getString("protocol")).isEqualTo("TLSv1.3");
    assertThat(RemoteTls.enabled(config)).isTrue();

    Config plain = DurableObjectsServer.loadConfig(ConfigFactory.empty());
    assertThat(plain.getString("pekko.remote.artery.transport")).isEqualTo("tcp");
    assertThat(RemoteTls.enabled(plain)).isFalse();
    RemoteTls.check(plain); // no stores needed without TLS
  }

  @Test
  void missingStoresStopTheNodeNamingTheVariable() throws Exception {
    Path keystore = keyPair("node");
    Config noKeystore = node(0, dir.resolve("missing.p12"), keystore);
    assertThatThrownBy(() -> RemoteTls.check(noKeystore))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pekko.remote.artery.ssl.config-ssl-engine.key-store (DO_REMOTE_TLS_KEYSTORE): no"
                + " readable file at "
                + dir.resolve("missing.p12")
                + " (remoting uses TLS: pekko.remote.artery.transport = tls-tcp,"
                + " DO_REMOTE_TRANSPORT)");
    assertThatThrownBy(
            () ->
                RemoteTls.check(
                    DurableObjectsServer.loadConfig(
                        ConfigFactory.parseString("DO_REMOTE_TRANSPORT = tls"))))
        .hasMessage(
            "pekko.remote.artery.transport (DO_REMOTE_TRANSPORT) must be tcp or tls-tcp, but was"
                + " \"tls\"");
    assertThatThrownBy(() -> DurableObjectsServer.start(node(0, keystore, dir)))
        .hasMessageContaining("trust-store (DO_REMOTE_TLS_TRUSTSTORE): no readable file at " + dir);
  }

  @Test
  void nodesWithTheClusterKeyFormAClusterOverTlsAndAStrangerCannotJoin() throws Exception {
    Path clusterKey = keyPair("cluster");
    Path truststore = truststoreOf(clusterKey, "cluster", "truststore.p12");
    Path strangerKey = keyPair("stranger");
    // The stranger trusts the cluster; the cluster does not trust the stranger's certificate.
    Path strangerTrust = truststoreOf(clusterKey, "cluster", "stranger-truststore.p12");

    ActorSystem<Void> a = start(node(FreePorts.next(), clusterKey, truststore));
    Address seed = Cluster.get(a).selfMember().address();
    Cluster.get(a).manager().tell(Join.create(seed));
    ActorSystem<Void> stranger = start(node(FreePorts.next(), strangerKey, strangerTrust));
    Cluster.get(stranger).manager().tell(Join.create(seed));
    ActorSystem<Void> b = start(node(FreePorts.next(), clusterKey, truststore));
    Cluster.get(b).manager().tell(Join.create(seed));

    // Each node sees the other Up (b learns that it is Up from a's gossip, a moment later).
    Await.until(
        "two Up members over TLS, as both see them",
        Duration.ofSeconds(30),
        () -> upMembers(a) == 2 && upMembers(b) == 2);
    // The stranger has been trying since before b joined; give it a few more handshakes' time.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() < until) {
      assertThat(upMembers(a)).as("members of the cluster").isEqualTo(2);
      assertThat(Cluster.get(stranger).selfMember().status())
          .as("the stranger's status")
          .isNotEqualTo(MemberStatus.up());
      Thread.sleep(Await.POLL_INTERVAL.toMillis());
    }
  }

  private ActorSystem<Void> start(Config config) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "durable-objects", config);
    systems.add(system);
    return system;
  }

  private static long upMembers(ActorSystem<Void> system) {
    List<org.apache.pekko.cluster.Member> members = new ArrayList<>();
    Cluster.get(system).state().getMembers().forEach(members::add);
    return members.stream().filter(m -> m.status().equals(MemberStatus.up())).count();
  }

  /** A PKCS12 keystore with a new EC key and a self-signed certificate for it. */
  private Path keyPair(String alias) throws Exception {
    Path keystore = dir.resolve(alias + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + alias,
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    return keystore;
  }

  /** A truststore holding the certificate of {@code alias} in {@code keystore}. */
  private Path truststoreOf(Path keystore, String alias, String name) throws Exception {
    Path certificate = dir.resolve(name + ".crt");
    keytool(
        "-exportcert",
        "-alias",
        alias,
        "-keystore",
        keystore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        certificate.toString());
    Path truststore = dir.resolve(name);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        PASSWORD);
    return truststore;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
    assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
  }
}
