package io.durableobjects.cassandra.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.durableobjects.cassandra.embedded.internal.CqlProbe;
import io.durableobjects.cassandra.embedded.internal.DataDirectoryLock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real Cassandra 5.0 node, started and stopped as users do. Each start costs about 10 s. */
class EmbeddedCassandraIT {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandraIT.class);

  @TempDir Path dir;

  /**
   * Two lives of one data directory. The first node is started by another JVM, which is then killed
   * with -9: the node must not outlive it. The second is started here, on the same directory: the
   * first one's data is there.
   */
  @Test
  void keepsDataAcrossRestartsLocksItsDirectoryAndDiesWithTheJvmThatStartedIt() throws Exception {
    Process parent = OrphanParentMain.launch(dir);
    long firstPid;
    try {
      OrphanParentMain.Started first = OrphanParentMain.awaitStarted(parent, log);
      firstPid = first.pid();
      try (CqlSession session =
          CqlSession.builder()
              .withConfigLoader(
                  CqlProbe.configLoader(
                      new InetSocketAddress("127.0.0.1", first.cqlPort()),
                      "datacenter1",
                      Duration.ofSeconds(10)))
              .build()) {
        session.execute(
            "CREATE KEYSPACE restart_check WITH replication ="
                + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TABLE restart_check.kv (k text PRIMARY KEY, v text)");
        session.execute("INSERT INTO restart_check.kv (k, v) VALUES ('greeting', 'hello')");
      }

      // A second instance on the same directory fails before launching anything.
      assertThatThrownBy(() -> EmbeddedCassandra.builder(dir).start())
          .isInstanceOf(EmbeddedCassandraException.class)
          .hasMessageContaining(
              "data directory " + dir.toAbsolutePath() + " is in use by another embedded Cassandra")
          .hasMessageContaining("Cassandra pid " + firstPid);

      ProcessHandle node = ProcessHandle.of(firstPid).orElseThrow();
      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long killed = System.nanoTime();
      node.onExit().get(30, TimeUnit.SECONDS);
      log.info(
          "Orphaned Cassandra (pid {}) exited {} ms after its parent was killed",
          firstPid,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
      // The node's own lock is free again: a new node can use the directory at once.
      DataDirectoryLock.awaitNodeLockFree(dir.resolve(".node.lock"), dir, Duration.ofSeconds(1));
    } finally {
      parent.destroyForcibly();
      nodeProcessesIn(dir).forEach(ProcessHandle::destroyForcibly);
    }

    long secondPid;
    try (EmbeddedCassandra cassandra = EmbeddedCassandra.builder(dir).start();
        CqlSession session = cassandra.openSession()) {
      secondPid = cassandra.pid();
      assertThat(secondPid).isNotEqualTo(firstPid);
      assertThat(cassandra.isRunning()).isTrue();
      assertThat(cassandra.host()).isEqualTo("127.0.0.1");
      assertThat(cassandra.contactPoint().getPort()).isEqualTo(cassandra.cqlPort()).isPositive();
      assertThat(cassandra.storagePort()).isPositive().isNotEqualTo(cassandra.cqlPort());
      assertThat(cassandra.localDatacenter()).isEqualTo("datacenter1");
      assertThat(cassandra.dataDirectory()).isEqualTo(dir.toAbsolutePath());
      assertThat(cassandra.logFile()).isRegularFile().content().contains("Startup complete");

      Row local = session.execute("SELECT release_version, data_center FROM system.local").one();
      assertThat(local.getString("release_version")).isEqualTo("5.0.9");
      assertThat(local.getString("data_center")).isEqualTo("datacenter1");
      Row row = session.execute("SELECT v FROM restart_check.kv WHERE k = 'greeting'").one();
      assertThat(row).isNotNull();
      assertThat(row.getString("v")).isEqualTo("hello");
    }
    assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive))
        .as("the node after close()")
        .isNotEqualTo(Optional.of(true));
  }

  @Test
  void requestedCqlPortThatIsInUseFailsFast() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      long started = System.nanoTime();

      assertThatThrownBy(() -> EmbeddedCassandra.builder(dir).cqlPort(port).start())
          .isInstanceOf(EmbeddedCassandraException.class)
          .hasMessage(
              "CQL port "
                  + port
                  + " on 127.0.0.1 is already in use by another process; choose another port or 0"
                  + " for a free one");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void nodeThatCannotStartFailsWithItsLogTailAndLeavesNoProcess() {
    EmbeddedCassandra.Builder broken =
        EmbeddedCassandra.builder(dir)
            .yamlSetting("partitioner", "org.example.NoSuchPartitioner")
            .startupTimeout(Duration.ofSeconds(60));

    assertThatThrownBy(broken::start)
        .isInstanceOf(EmbeddedCassandraException.class)
        .hasMessageContaining(
            "Cassandra in " + dir.toAbsolutePath() + " did not start within 60000 ms")
        .hasMessageContaining("the Cassandra process exited with status")
        .hasMessageContaining(
            "--- last lines of " + dir.toAbsolutePath().resolve("logs/cassandra.log"))
        .hasMessageContaining("org.example.NoSuchPartitioner");
    assertThat(nodeProcessesIn(dir)).isEmpty();

    // Both locks were released: the next attempt could take the directory at once, rather than
    // fail with "in use" (checked on the locks themselves: another start costs seconds).
    DataDirectoryLock.acquire(dir.resolve(".lock"), dir).close();
    DataDirectoryLock.awaitNodeLockFree(dir.resolve(".node.lock"), dir, Duration.ofSeconds(1));
  }

  @Test
  void startupTimeoutKillsTheNode() {
    assertThatThrownBy(
            () -> EmbeddedCassandra.builder(dir).startupTimeout(Duration.ofMillis(1)).start())
        .isInstanceOf(EmbeddedCassandraException.class)
        .hasMessageContaining("did not start within 1 ms: timed out")
        .hasMessageContaining(
            "--- last lines of " + dir.toAbsolutePath().resolve("logs/cassandra-stdout.log"));
    assertThat(nodeProcessesIn(dir)).isEmpty();
  }

  static java.util.List<ProcessHandle> nodeProcessesIn(Path dataDirectory) {
    String marker = "-Dcassandra.storagedir=" + dataDirectory.toAbsolutePath().resolve("data");
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .collect(java.util.stream.Collectors.toList());
  }
}
