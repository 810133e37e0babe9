package io.durableobjects.cassandra.embedded;

import static io.durableobjects.cassandra.embedded.EmbeddedCassandra.CLUSTER_NAME;
import static io.durableobjects.cassandra.embedded.EmbeddedCassandra.HOST;
import static io.durableobjects.cassandra.embedded.EmbeddedCassandra.LOCAL_DATACENTER;

import io.durableobjects.cassandra.embedded.internal.CassandraClasspath;
import io.durableobjects.cassandra.embedded.internal.CqlProbe;
import io.durableobjects.cassandra.embedded.internal.DataDirectoryLock;
import io.durableobjects.cassandra.embedded.internal.JvmCommand;
import io.durableobjects.cassandra.embedded.internal.LauncherClass;
import io.durableobjects.cassandra.embedded.internal.LogTail;
import io.durableobjects.cassandra.embedded.internal.NodeFiles;
import io.durableobjects.cassandra.embedded.internal.NodePorts;
import io.durableobjects.cassandra.embedded.internal.NodeProcess;
import io.durableobjects.cassandra.embedded.internal.NodeShutdown;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start sequence of {@link EmbeddedCassandra.Builder#start()}: lock the data directory, choose
 * the ports, write the configuration, fork the JVM and wait until it answers CQL. On any failure
 * the node is killed and the directory released before the exception leaves.
 */
final class NodeLaunch {
  // Under EmbeddedCassandra, as before the split, so that log settings naming it still apply.
  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandra.class);
  private static final int LOG_TAIL_LINES = 40;

  private NodeLaunch() {}

  static EmbeddedCassandra start(EmbeddedCassandra.Builder builder) {
    NodeFiles files = new NodeFiles(builder.dataDirectory);
    files.createDirectories();
    DataDirectoryLock lock = DataDirectoryLock.acquire(files.launcherLock(), files.root());
    NodeShutdown shutdown = null;
    try {
      DataDirectoryLock.awaitNodeLockFree(
          files.nodeLock(), files.root(), builder.shutdownGracePeriod);
      CassandraClasspath classpath = CassandraClasspath.load();
      NodePorts ports =
          NodePorts.choose(HOST, builder.cqlPort, builder.storagePort, files.portsFile());
      files.writeConfiguration(
          CLUSTER_NAME, HOST, ports.cqlPort(), ports.storagePort(), builder.yamlSettings);
      List<String> command =
          JvmCommand.build(
              files,
              classpath,
              builder.heapSize,
              LauncherClass.installInto(files.launcherDirectory()),
              builder.shutdownGracePeriod);

      long startedAt = System.nanoTime();
      NodeProcess process = NodeProcess.launch(command, files);
      shutdown =
          new NodeShutdown(
              process, lock, builder.shutdownGracePeriod, builder.registerShutdownHook);
      EmbeddedCassandra node = new EmbeddedCassandra(files, ports, process, shutdown);
      log.info(
          "Starting Cassandra (pid {}) on CQL {}:{}, storage port {}, data {}",
          process.pid(),
          HOST,
          ports.cqlPort(),
          ports.storagePort(),
          files.root());
      CqlProbe.Result result =
          new CqlProbe(node.contactPoint(), LOCAL_DATACENTER)
              .await(process.process(), startedAt + builder.startupTimeout.toNanos());
      if (!result.succeeded()) {
        throw new EmbeddedCassandraException(
            "Cassandra in "
                + files.root()
                + " did not start within "
                + builder.startupTimeout.toMillis()
                + " ms: "
                + result.failure()
                + LogTail.ofNode(files, LOG_TAIL_LINES));
      }
      ports.save(files.portsFile());
      lock.record(
          "launcher pid " + ProcessHandle.current().pid() + ", Cassandra pid " + process.pid());
      log.info(
          "Cassandra {} (pid {}) answers CQL on {}:{} after {} ms",
          result.releaseVersion(),
          process.pid(),
          HOST,
          ports.cqlPort(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
      return node;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(shutdown, lock);
      throw new EmbeddedCassandraException("interrupted while starting Cassandra", e);
    } catch (RuntimeException | Error e) {
      abort(shutdown, lock);
      throw e;
    }
  }

  /** Kills a node that was launched, then releases the data directory. */
  private static void abort(NodeShutdown shutdown, DataDirectoryLock lock) {
    if (shutdown != null) {
      shutdown.kill();
    }
    lock.close();
  }
}
