package io.durableobjects.cassandra.embedded.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * INTERNAL API
 *
 * <p>Main class of the forked Cassandra JVM. It makes sure the node never outlives the JVM that
 * launched it, then hands over to {@code org.apache.cassandra.service.CassandraDaemon}.
 *
 * <ul>
 *   <li><b>Parent watch.</b> A daemon thread blocks reading {@link System#in}. The launcher keeps
 *       the write end of that pipe open for the node's lifetime and never writes to it. When the
 *       launching JVM dies for any reason, including {@code kill -9}, the kernel closes the pipe,
 *       the read returns end-of-file, and this class calls {@code System.exit(0)}: Cassandra's
 *       shutdown hook drains the node. If that takes longer than the halt delay the JVM is halted.
 *   <li><b>Node lock.</b> Before Cassandra starts, an exclusive lock is taken on the file named by
 *       {@value #NODE_LOCK_PROPERTY} and held until the JVM exits, so two Cassandra processes can
 *       never share a data directory (for example a node that is still draining after its parent
 *       died, and a new one). If the lock is held the JVM exits with status 2 before Cassandra
 *       touches any file.
 * </ul>
 *
 * <p>This class must depend on nothing but the JDK: it is copied on its own onto the forked JVM's
 * classpath, in front of Cassandra's jars, and reaches Cassandra only through reflection.
 */
public final class ParentWatchingCassandraMain {

  /** System property: the main class to run after the watch is in place. */
  public static final String DELEGATE_PROPERTY = "durable-objects.embedded.delegate-main";

  /** System property: the file to lock exclusively for the lifetime of the node. */
  public static final String NODE_LOCK_PROPERTY = "durable-objects.embedded.node-lock";

  /** System property: milliseconds to wait for a graceful exit after the parent died. */
  public static final String HALT_AFTER_PROPERTY = "durable-objects.embedded.halt-after-millis";

  /** The Cassandra entry point used when {@value #DELEGATE_PROPERTY} is not set. */
  public static final String CASSANDRA_DAEMON = "org.apache.cassandra.service.CassandraDaemon";

  /** Exit status when another process holds the node lock. */
  public static final int EXIT_NODE_LOCKED = 2;

  // Strong reference: the lock is released if its channel is ever garbage collected.
  private static FileChannel nodeLockChannel;

  private ParentWatchingCassandraMain() {}

  /**
   * Locks the node, starts the parent watch and runs the delegate's {@code main(args)}.
   *
   * @param args passed unchanged to the delegate
   * @throws Throwable whatever the delegate's main throws
   */
  public static void main(String[] args) throws Throwable {
    lockNode();
    Thread watcher = new Thread(ParentWatchingCassandraMain::exitWhenParentIsGone, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();

    Class<?> delegate = Class.forName(System.getProperty(DELEGATE_PROPERTY, CASSANDRA_DAEMON));
    Method main = delegate.getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void lockNode() throws IOException {
    String lockFile = System.getProperty(NODE_LOCK_PROPERTY);
    if (lockFile == null) {
      return;
    }
    Path path = Paths.get(lockFile);
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      String holder = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
      System.err.println(
          "[parent-watch] another Cassandra process ("
              + holder.trim()
              + ") is running on "
              + path.getParent()
              + "; refusing to start a second one on the same data directory");
      System.exit(EXIT_NODE_LOCKED);
    }
    channel.truncate(0);
    channel.write(
        ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
    channel.force(false);
    nodeLockChannel = channel;
  }

  private static boolean shutdownInProgress() {
    Thread probe = new Thread(() -> {}, "parent-watch-probe");
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  private static void exitWhenParentIsGone() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // The launcher never writes; anything read is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end-of-file: the parent is gone.
    }
    long haltAfter = Long.getLong(HALT_AFTER_PROPERTY, 30_000L);
    Thread halter =
        new Thread(
            () -> {
              try {
                Thread.sleep(haltAfter);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              System.err.println("[parent-watch] graceful stop took too long: halting");
              Runtime.getRuntime().halt(1);
            },
            "parent-watch-halt");
    halter.setDaemon(true);
    halter.start();
    if (shutdownInProgress()) {
      return; // A SIGTERM (Process.destroy also closes stdin) is already stopping the node.
    }
    System.err.println("[parent-watch] launching JVM is gone (stdin closed): stopping Cassandra");
    System.exit(0);
  }
}
