package io.durableobjects.cassandra.embedded;

import com.datastax.oss.driver.api.core.CqlSession;
import io.durableobjects.cassandra.embedded.internal.BuilderChecks;
import io.durableobjects.cassandra.embedded.internal.CqlProbe;
import io.durableobjects.cassandra.embedded.internal.NodeFiles;
import io.durableobjects.cassandra.embedded.internal.NodePorts;
import io.durableobjects.cassandra.embedded.internal.NodeProcess;
import io.durableobjects.cassandra.embedded.internal.NodeShutdown;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A real, single-node Apache Cassandra 5.0 running in a forked JVM, for development and tests.
 *
 * <p>Started with {@link #builder(Path)}; the node runs {@code
 * org.apache.cassandra.service.CassandraDaemon} from the jars of {@code
 * org.apache.cassandra:cassandra-all} in the local Maven repository (the classpath is recorded at
 * build time by the {@code durable-objects-embedded-cassandra-classpath} module). No Docker, no
 * downloads at run time.
 *
 * <p><b>Lifecycle.</b> {@link Builder#start()} returns once the node answers CQL. {@link #close()}
 * stops it gracefully (SIGTERM, Cassandra drains its memtables), and kills it after the shutdown
 * grace period. The node never outlives this JVM: it exits when the pipe to its stdin closes, which
 * the kernel does when this JVM dies, even on {@code kill -9}. With the default shutdown hook, a
 * normal JVM exit also waits for a graceful stop.
 *
 * <p><b>Data.</b> Everything lives under the data directory: {@code data/} (Cassandra's storage),
 * {@code conf/} (generated cassandra.yaml and logback.xml), {@code logs/cassandra.log} and {@code
 * logs/cassandra-stdout.log}. A new instance on the same directory keeps the data. A write is
 * acknowledged only after the commit log is synced to disk ({@link CommitLogSync#BATCH} by default,
 * see {@link Builder#commitLogSync}): it survives {@code kill -9} of any process, of all of them
 * together, and a power loss. A directory is used by at most one instance at a time (a file lock,
 * held across JVMs).
 *
 * <p><b>Ports.</b> Port 0 means a free port. The ports in use are remembered in {@code
 * ports.properties} in the data directory and reused on the next start with port 0 when they are
 * still free, so clients keep working across restarts. (Cassandra itself does not need this: a node
 * restarted on the same data with other ports keeps its tokens and data.)
 *
 * <p><b>Failures.</b> {@link Builder#start()} throws {@link EmbeddedCassandraException} when the
 * directory is in use, a requested port is taken, Cassandra's jars are not in the local Maven
 * repository, or the node exits or does not answer CQL within the startup timeout; the node is
 * killed first and the message ends with the tail of its logs. Invalid builder arguments throw
 * {@link IllegalArgumentException}. {@link #close()} never throws.
 *
 * <p><b>Resources.</b> The node uses the heap set with {@link Builder#heapSize(String)} (512m by
 * default); as Cassandra locks its memory when allowed (as root), expect a resident size of about
 * twice the heap. It starts in about 7 to 12 s on a 2-core machine and stops in about 3 s.
 *
 * <p>Instances are thread-safe. The data center is always {@value #LOCAL_DATACENTER}; the node
 * listens on {@value #HOST} only.
 */
public final class EmbeddedCassandra implements AutoCloseable {

  /** The address the node listens on, for CQL and for storage. */
  public static final String HOST = "127.0.0.1";

  /** The node's data center name (set by Cassandra's SimpleSnitch). */
  public static final String LOCAL_DATACENTER = "datacenter1";

  /** Stored by Cassandra on the first start; a node refuses to start when it changes. */
  static final String CLUSTER_NAME = "durable-objects-embedded";

  private final NodeFiles files;
  private final NodePorts ports;
  private final NodeProcess process;
  private final NodeShutdown shutdown;

  /** A launched node ({@link NodeLaunch} makes it); {@code shutdown} stops it. */
  EmbeddedCassandra(NodeFiles files, NodePorts ports, NodeProcess process, NodeShutdown shutdown) {
    this.files = files;
    this.ports = ports;
    this.process = process;
    this.shutdown = shutdown;
  }

  /**
   * A builder for a node whose files live under {@code dataDirectory} (created if missing).
   *
   * @throws IllegalArgumentException if {@code dataDirectory} is null
   */
  public static Builder builder(Path dataDirectory) {
    return new Builder(dataDirectory);
  }

  /** The CQL (native transport) port. */
  public int cqlPort() {
    return ports.cqlPort();
  }

  /** The internode (storage) port. */
  public int storagePort() {
    return ports.storagePort();
  }

  /** Always {@value #HOST}. */
  public String host() {
    return HOST;
  }

  /** {@link #host()} and {@link #cqlPort()}, for the driver's contact points. */
  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(HOST, ports.cqlPort());
  }

  /** Always {@value #LOCAL_DATACENTER}; the driver's local data center. */
  public String localDatacenter() {
    return LOCAL_DATACENTER;
  }

  /** The absolute data directory. */
  public Path dataDirectory() {
    return files.root();
  }

  /** Cassandra's own log ({@code <data dir>/logs/cassandra.log}). */
  public Path logFile() {
    return files.logFile();
  }

  /** The forked JVM's stdout and stderr ({@code <data dir>/logs/cassandra-stdout.log}). */
  public Path stdoutLogFile() {
    return files.stdoutLogFile();
  }

  /** The operating-system process id of the Cassandra JVM. */
  public long pid() {
    return process.pid();
  }

  /** Whether the node's process is alive and {@link #close()} has not been called. */
  public boolean isRunning() {
    return !shutdown.isClosed() && process.isAlive();
  }

  /**
   * Opens a new driver session to this node, independent of any application.conf. The caller closes
   * it. Requests time out after 10 s; the schema metadata refresh after DDL statements is not
   * debounced (so each CREATE takes a fraction of a second instead of over one second).
   *
   * @throws com.datastax.oss.driver.api.core.AllNodesFailedException if the node does not answer
   */
  public CqlSession openSession() {
    return CqlSession.builder()
        .withConfigLoader(
            CqlProbe.configLoader(contactPoint(), LOCAL_DATACENTER, Duration.ofSeconds(10)))
        .build();
  }

  /** Whether {@link #close()} has been called. */
  boolean isClosed() {
    return shutdown.isClosed();
  }

  /** Completes when the node's process has exited, for whatever reason. */
  CompletableFuture<Process> onProcessExit() {
    return process.onExit();
  }

  /**
   * Stops the node and releases the data directory. Idempotent. Sends SIGTERM, waits up to the
   * shutdown grace period for Cassandra to drain, then kills the process. Exit statuses 0, 143
   * (SIGTERM) and 130 (SIGINT: Ctrl-C in a terminal reaches the node too) are normal; anything else
   * is logged as a warning, not thrown.
   */
  @Override
  public void close() {
    shutdown.close();
  }

  @Override
  public String toString() {
    return "EmbeddedCassandra(pid "
        + process.pid()
        + ", CQL "
        + HOST
        + ":"
        + ports.cqlPort()
        + ", data "
        + files.root()
        + ")";
  }

  /**
   * Settings for {@link EmbeddedCassandra}; {@link #start()} launches the node. Builders are
   * mutable and not thread-safe; every setter validates its argument and throws {@link
   * IllegalArgumentException} with the offending value.
   */
  public static final class Builder {
    final Path dataDirectory;
    int cqlPort;
    int storagePort;
    String heapSize = "512m";
    Duration startupTimeout = Duration.ofSeconds(120);
    Duration shutdownGracePeriod = Duration.ofSeconds(30);
    boolean registerShutdownHook = true;
    final Map<String, String> yamlSettings = new LinkedHashMap<>();

    Builder(Path dataDirectory) {
      if (dataDirectory == null) {
        throw new IllegalArgumentException("dataDirectory must not be null");
      }
      this.dataDirectory = dataDirectory;
    }

    /** CQL (native transport) port, 0..65535; 0 (the default) picks a free port. */
    public Builder cqlPort(int port) {
      this.cqlPort = BuilderChecks.port("cqlPort", port);
      return this;
    }

    /** Internode (storage) port, 0..65535; 0 (the default) picks a free port. */
    public Builder storagePort(int port) {
      this.storagePort = BuilderChecks.port("storagePort", port);
      return this;
    }

    /** Heap of the Cassandra JVM (-Xms and -Xmx), like "512m" (the default) or "1g". */
    public Builder heapSize(String heapSize) {
      this.heapSize = BuilderChecks.heapSize(heapSize);
      return this;
    }

    /** How long {@link #start()} waits for CQL to answer; positive; default 120 s. */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = BuilderChecks.positive("startupTimeout", timeout);
      return this;
    }

    /** How long {@link #close()} waits after SIGTERM before killing; positive; default 30 s. */
    public Builder shutdownGracePeriod(Duration gracePeriod) {
      this.shutdownGracePeriod = BuilderChecks.positive("shutdownGracePeriod", gracePeriod);
      return this;
    }

    /** Whether a JVM shutdown hook closes the node (default true). */
    public Builder registerShutdownHook(boolean register) {
      this.registerShutdownHook = register;
      return this;
    }

    /**
     * When writes are acknowledged relative to the commit log's sync; {@link CommitLogSync#BATCH}
     * by default. {@link CommitLogSync#PERIODIC} loses acknowledged writes on {@code kill -9}.
     */
    public Builder commitLogSync(CommitLogSync mode) {
      if (mode == null) {
        throw new IllegalArgumentException("commitLogSync must not be null");
      }
      mode.yamlSettings().forEach(yamlSettings::put);
      return this;
    }

    /**
     * Sets a top-level scalar key of cassandra.yaml, replacing the template's value or adding the
     * key, e.g. {@code yamlSetting("concurrent_writes", "16")}. The value is written verbatim (YAML
     * syntax). Keys derived from this builder (ports, directories, addresses, cluster name, seeds)
     * are rejected. An invalid value makes {@link #start()} fail with Cassandra's error.
     */
    public Builder yamlSetting(String key, String value) {
      BuilderChecks.yamlSetting(key, value);
      yamlSettings.put(key, value);
      return this;
    }

    /**
     * Starts the node and waits until it answers CQL.
     *
     * @throws EmbeddedCassandraException if it cannot start; the message carries the log tail
     */
    public EmbeddedCassandra start() {
      return NodeLaunch.start(this);
    }
  }
}
