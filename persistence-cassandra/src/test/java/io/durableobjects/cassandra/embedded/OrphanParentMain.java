package io.durableobjects.cassandra.embedded;

import java.nio.file.Paths;

/**
 * Test helper run in a forked JVM by {@link EmbeddedCassandraOrphanIT}: starts a node, prints its
 * pid, then waits to be killed.
 */
public final class OrphanParentMain {

  private OrphanParentMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedCassandra cassandra = EmbeddedCassandra.builder(Paths.get(args[0])).start();
    System.out.println("CASSANDRA_PID=" + cassandra.pid());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
