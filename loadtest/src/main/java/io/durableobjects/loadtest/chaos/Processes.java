package io.durableobjects.loadtest.chaos;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers for the child processes of the suite: the JVM, the examples' classpath, signals. */
final class Processes {
  static final String JAVA = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

  private Processes() {}

  /** The examples' jar and {@code lib/*} under {@code examplesTarget}, as a classpath. */
  static String examplesClasspath(Path examplesTarget) throws IOException {
    if (!Files.isDirectory(examplesTarget.resolve("lib"))) {
      throw new IOException(
          "no " + examplesTarget.resolve("lib") + ": build with ./mvnw -pl examples -am package");
    }
    try (Stream<Path> files = Files.list(examplesTarget)) {
      Path jar =
          files
              .filter(p -> p.getFileName().toString().matches("durable-objects-examples-.*\\.jar"))
              .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests|javadoc)\\.jar"))
              .findFirst()
              .orElseThrow(() -> new IOException("no examples jar in " + examplesTarget));
      return jar.toAbsolutePath()
          + File.pathSeparator
          + examplesTarget.toAbsolutePath().resolve("lib")
          + File.separator
          + "*";
    }
  }

  /**
   * Ports this suite handed out: a node binds its ports later, and the kernel may offer one again.
   */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port free now and never handed out before by this JVM (two nodes once got the same one: the
   * first had not bound it yet, and a restarted node then failed to bind, again and again).
   */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port)) {
          return port;
        }
      }
    }
  }

  /**
   * {@code kill -<signal> pid...} in one command (so that several processes get it together). A
   * process already gone is not an error.
   */
  static void signal(String signal, long... pids) {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    for (long pid : pids) {
      command.add(Long.toString(pid));
    }
    try {
      run(command);
    } catch (IllegalStateException e) {
      // kill fails when one of them is gone (it still signals the others); fail only otherwise.
      for (long pid : pids) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          return;
        }
      }
      throw e;
    }
  }

  /** Runs a short command, failing with its output when it exits with a status other than 0. */
  static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in 30 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ": "
                + output.strip());
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  /** Kills {@code process} and its descendants with SIGKILL, waiting until they are gone. */
  static void killTree(ProcessHandle process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // gone or stuck: nothing more to do
      }
    }
  }

  /**
   * SIGTERM, then SIGKILL after {@code graceSeconds}, of {@code process}; then SIGKILL of whatever
   * is left of its descendants.
   */
  static void stop(Process process, int graceSeconds) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(Processes::killTree);
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
