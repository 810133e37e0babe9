package io.durableobjects.cassandra.embedded.internal;

import io.durableobjects.cassandra.embedded.EmbeddedCassandraException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INTERNAL API
 *
 * <p>The forked Cassandra JVM. Its stdout and stderr are appended to {@code
 * logs/cassandra-stdout.log}; its stdin is a pipe that this object holds open and never writes to,
 * so the node sees end-of-file exactly when this JVM dies or {@link #stop} / {@link #kill} ends it
 * (see {@link ParentWatchingCassandraMain}).
 */
public final class NodeProcess {

  private static final Logger log = LoggerFactory.getLogger(NodeProcess.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final Process process;
  private final OutputStream stdin; // strong reference: its cleaner would close the pipe

  private NodeProcess(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
  }

  /**
   * Starts {@code command} in the data directory.
   *
   * @throws EmbeddedCassandraException if the JVM cannot be started
   */
  public static NodeProcess launch(List<String> command, NodeFiles files) {
    try {
      Files.writeString(
          files.stdoutLogFile(),
          "=== "
              + Instant.now()
              + " starting: "
              + String.join(" ", command)
              + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process process =
          new ProcessBuilder(command)
              .directory(files.root().toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(files.stdoutLogFile().toFile()))
              .redirectInput(Redirect.PIPE)
              .start();
      return new NodeProcess(process);
    } catch (IOException e) {
      throw new EmbeddedCassandraException("cannot launch the Cassandra JVM: " + command.get(0), e);
    }
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /**
   * SIGTERM, then up to {@code gracePeriod} for Cassandra to drain, then SIGKILL. Logs a warning
   * for exit statuses other than 0, 130 (SIGINT) and 143 (SIGTERM).
   */
  public void stop(Duration gracePeriod) {
    if (process.isAlive()) {
      long started = System.nanoTime();
      process.destroy();
      if (!awaitExit(gracePeriod)) {
        log.warn(
            "Cassandra (pid {}) did not stop within {} ms; killing it",
            process.pid(),
            gracePeriod.toMillis());
        process.destroyForcibly();
        awaitExit(KILL_WAIT);
      }
      log.info(
          "Cassandra (pid {}) stopped in {} ms",
          process.pid(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    if (!process.isAlive()) {
      int status = process.exitValue();
      if (status != 0 && status != 130 && status != 143) {
        log.warn("Cassandra (pid {}) exited with status {}", process.pid(), status);
      }
    }
    closeStdin();
  }

  /** SIGKILL and wait briefly, for a node that failed to start. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(KILL_WAIT);
    closeStdin();
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      // The process is gone or going; nothing to do.
    }
  }
}
