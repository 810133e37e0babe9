package io.durableobjects.cassandra.embedded.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * INTERNAL API
 *
 * <p>The command line of the forked Cassandra JVM: the JDK 17 flag set that upstream Cassandra 5.0
 * ships in {@code conf/jvm17-server.options} (G1 tuning, the module exports/opens Cassandra needs,
 * Netty allocator settings), the heap, the jamm agent, and system properties that point Cassandra
 * at the generated files. Two single-node start-up shortcuts are added: no wait for gossip to
 * settle, and no shutdown announcement delay; neither matters without peers.
 */
public final class JvmCommand {

  /** From Cassandra 5.0's conf/jvm17-server.options (minus the heap, set separately). */
  static final List<String> JVM17_SERVER_OPTIONS =
      List.of(
          "-XX:+UseG1GC",
          "-XX:+ParallelRefProcEnabled",
          "-XX:MaxTenuringThreshold=1",
          "-XX:G1HeapRegionSize=16m",
          "-XX:G1RSetUpdatingPauseTimePercent=5",
          "-XX:MaxGCPauseMillis=300",
          "-XX:InitiatingHeapOccupancyPercent=70",
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports",
          "java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports",
          "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports",
          "java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports",
          "java.sql/java.sql=ALL-UNNAMED",
          "--add-exports",
          "java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports",
          "jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports",
          "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports",
          "jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens",
          "java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.io=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens",
          "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Dio.netty.allocator.useCacheForAllThreads=true",
          "-Dio.netty.allocator.maxOrder=11");

  private JvmCommand() {}

  /**
   * Builds the command.
   *
   * @param heapSize e.g. "512m", used for -Xms and -Xmx
   * @param launcherDirectory directory holding {@link ParentWatchingCassandraMain}, put first on
   *     the classpath
   * @param haltAfter how long the node may drain after its parent died
   */
  public static List<String> build(
      NodeFiles files,
      CassandraClasspath classpath,
      String heapSize,
      Path launcherDirectory,
      Duration haltAfter) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-Xms" + heapSize);
    command.add("-Xmx" + heapSize);
    command.add("-Xss256k");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.addAll(JVM17_SERVER_OPTIONS);
    classpath.jammAgent().ifPresent(jar -> command.add("-javaagent:" + jar));
    command.add("-Dcassandra.config=" + files.cassandraYaml().toUri());
    command.add("-Dlogback.configurationFile=" + files.logbackXml().toUri());
    command.add("-Dcassandra.storagedir=" + files.storageDirectory());
    command.add("-Dcassandra.logdir=" + files.logDirectory());
    command.add("-Dcassandra.triggers_dir=" + files.triggersDirectory());
    command.add("-Dcassandra-foreground=yes");
    // Named on the command line so that `ps aux | grep CassandraDaemon` finds embedded nodes too.
    command.add(
        "-D"
            + ParentWatchingCassandraMain.DELEGATE_PROPERTY
            + "="
            + ParentWatchingCassandraMain.CASSANDRA_DAEMON);
    command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    // With an authenticator, a node creates its default superuser 10 s after it starts (time for a
    // multi-node cluster to settle first); a single embedded node has nothing to wait for.
    command.add("-Dcassandra.superuser_setup_delay_ms=0");
    command.add("-Dcassandra.shutdown_announce_in_ms=0");
    command.add("-Djava.net.preferIPv4Stack=true");
    command.add("-D" + ParentWatchingCassandraMain.NODE_LOCK_PROPERTY + "=" + files.nodeLock());
    command.add(
        "-D" + ParentWatchingCassandraMain.HALT_AFTER_PROPERTY + "=" + haltAfter.toMillis());
    command.add("-cp");
    command.add(classpath.asClasspath(launcherDirectory));
    command.add(ParentWatchingCassandraMain.class.getName());
    return command;
  }

  private static String javaExecutable() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }
}
