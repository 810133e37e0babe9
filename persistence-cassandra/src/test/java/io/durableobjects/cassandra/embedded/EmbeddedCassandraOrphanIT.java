package io.durableobjects.cassandra.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.embedded.internal.DataDirectoryLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node must not outlive the JVM that started it, even when that JVM is killed with -9. */
class EmbeddedCassandraOrphanIT {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandraOrphanIT.class);

  @TempDir Path dir;

  @Test
  void nodeExitsWhenItsParentJvmIsKilled() throws Exception {
    Process parent =
        new ProcessBuilder(
                List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                    "-cp",
                    System.getProperty("java.class.path"),
                    OrphanParentMain.class.getName(),
                    dir.toString()))
            .redirectErrorStream(true)
            .start();
    Optional<ProcessHandle> cassandra = Optional.empty();
    try {
      long pid = readCassandraPid(parent).get(120, TimeUnit.SECONDS);
      cassandra = ProcessHandle.of(pid);
      assertThat(cassandra).as("Cassandra process %s", pid).isPresent();

      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
      assertThat(parent.waitFor(10, TimeUnit.SECONDS)).isTrue();

      long killed = System.nanoTime();
      cassandra.get().onExit().get(30, TimeUnit.SECONDS);
      log.info(
          "Orphaned Cassandra (pid {}) exited {} ms after its parent was killed",
          pid,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
      assertThat(cassandra.get().isAlive()).isFalse();
      // The node's own lock is free again: a new node could use the directory at once.
      DataDirectoryLock.awaitNodeLockFree(dir.resolve(".node.lock"), dir, Duration.ofSeconds(1));
    } finally {
      parent.destroyForcibly();
      cassandra.ifPresent(ProcessHandle::destroyForcibly);
      EmbeddedCassandraIT.nodeProcessesIn(dir).forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Reads the child's output (echoing it to the log) until it prints the Cassandra pid. */
  private static CompletableFuture<Long> readCassandraPid(Process parent) {
    CompletableFuture<Long> pid = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  log.info("[parent] {}", line);
                  if (line.startsWith("CASSANDRA_PID=")) {
                    pid.complete(Long.parseLong(line.substring("CASSANDRA_PID=".length())));
                  }
                }
                pid.completeExceptionally(
                    new IllegalStateException("parent JVM ended without a pid"));
              } catch (Exception e) {
                pid.completeExceptionally(e);
              }
            },
            "orphan-parent-output");
    reader.setDaemon(true);
    reader.start();
    return pid;
  }
}
