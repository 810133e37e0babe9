package io.durableobjects.cassandra.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Test helper run in a forked JVM by {@link EmbeddedCassandraIT}: starts a node on the directory it
 * is given, prints the node's pid and CQL port, then waits to be killed.
 */
public final class OrphanParentMain {
  private static final String STARTED = "CASSANDRA_STARTED ";

  private OrphanParentMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedCassandra cassandra = EmbeddedCassandra.builder(Paths.get(args[0])).start();
    System.out.println(STARTED + cassandra.pid() + " " + cassandra.cqlPort());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }

  /** What the parent JVM printed once its node was up. */
  record Started(long pid, int cqlPort) {}

  /** Starts a parent JVM that starts a node on {@code dir}. */
  static Process launch(Path dir) throws IOException {
    return new ProcessBuilder(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanParentMain.class.getName(),
                dir.toString()))
        .redirectErrorStream(true)
        .start();
  }

  /** Reads the parent's output (echoing it to {@code log}) until its node is up. */
  static Started awaitStarted(Process parent, Logger log) throws Exception {
    CompletableFuture<Started> started = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  log.info("[parent] {}", line);
                  if (line.startsWith(STARTED)) {
                    String[] fields = line.substring(STARTED.length()).split(" ");
                    started.complete(
                        new Started(Long.parseLong(fields[0]), Integer.parseInt(fields[1])));
                  }
                }
                started.completeExceptionally(
                    new IllegalStateException("the parent JVM ended before its node was up"));
              } catch (Exception e) {
                started.completeExceptionally(e);
              }
            },
            "orphan-parent-output");
    reader.setDaemon(true);
    reader.start();
    return started.get(120, TimeUnit.SECONDS);
  }
}
