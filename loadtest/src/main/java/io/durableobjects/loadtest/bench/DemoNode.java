package io.durableobjects.loadtest.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The examples' demo node ({@code DemoMain}) in a JVM of its own, on a fresh embedded Cassandra in
 * a temporary directory and HTTP on a free port: what the benchmark and the Gatling smoke test run
 * against. {@link #close()} stops the node (which stops its Cassandra), kills whatever is left of
 * both, and deletes the directory.
 */
public final class DemoNode implements AutoCloseable {
  private static final String JAVA =
      Paths.get(System.getProperty("java.home"), "bin", "java").toString();

  private final Process node;
  private final Path dataDir;
  private final String baseUrl;
  private final int port;

  private DemoNode(Process node, Path dataDir, int port) {
    this.node = node;
    this.dataDir = dataDir;
    this.port = port;
    this.baseUrl = "http://127.0.0.1:" + port;
  }

  /**
   * Starts the node from {@code examplesTarget} (its jar and {@code lib/}) with these JVM options,
   * logging to {@code log}, and waits until {@code /health/ready} answers 200.
   */
  public static DemoNode start(
      Path examplesTarget, List<String> jvmOptions, Path log, Duration readyWithin)
      throws IOException, InterruptedException {
    Path jar = examplesJar(examplesTarget);
    if (!Files.isDirectory(examplesTarget.resolve("lib"))) {
      throw new IOException(
          "no " + examplesTarget.resolve("lib") + ": build with ./mvnw -pl examples -am package");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dataDir = Files.createTempDirectory("durable-objects-node");
    List<String> command = new ArrayList<>();
    command.add(JAVA);
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp",
            jar + File.pathSeparator + examplesTarget.resolve("lib") + File.separator + "*",
            "io.durableobjects.examples.DemoMain"));
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("DO_HTTP_PORT", Integer.toString(port));
    builder.environment().put("DO_DATA_DIR", dataDir.toString());
    builder.environment().remove("DO_CASSANDRA_CONTACT_POINTS");
    DemoNode started = new DemoNode(builder.start(), dataDir, port);
    Runtime.getRuntime().addShutdownHook(new Thread(started::stopQuietly));
    try {
      started.awaitReady(readyWithin, log);
    } catch (IOException | InterruptedException | RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  private static Path examplesJar(Path examplesTarget) throws IOException {
    try (Stream<Path> files = Files.list(examplesTarget)) {
      return files
          .filter(p -> p.getFileName().toString().matches("durable-objects-examples-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests|javadoc)\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IOException("no examples jar in " + examplesTarget));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(
          "no " + examplesTarget + ": build with ./mvnw -pl examples -am package", e);
    }
  }

  private void awaitReady(Duration within, Path log) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      if (!node.isAlive()) {
        throw new IOException("the demo node exited with " + node.exitValue() + "; see " + log);
      }
      try {
        if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the demo node was not ready within " + within + "; see " + log);
      }
      Thread.sleep(500);
    }
  }

  /** {@code http://127.0.0.1:<port>} */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return port;
  }

  /** The node's JVM. */
  public ProcessHandle process() {
    return node.toHandle();
  }

  /** The embedded Cassandra's JVM, a child of the node. */
  public Optional<ProcessHandle> cassandra() {
    return node.descendants()
        .filter(p -> p.info().commandLine().map(c -> c.contains("java")).orElse(false))
        .findFirst();
  }

  @Override
  public void close() throws IOException {
    stopQuietly();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** SIGTERM (the node stops its Cassandra on it), then SIGKILL of whatever is left. */
  private synchronized void stopQuietly() {
    List<ProcessHandle> all = new ArrayList<>(node.descendants().toList());
    all.add(node.toHandle());
    node.destroy();
    try {
      if (!node.waitFor(60, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle process : all) {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
