package io.durableobjects.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of the load tests in {@code ./mvnw verify}: starts the examples' demo node (its
 * jar and {@code examples/target/lib}, on an embedded Cassandra in a temporary directory, HTTP on
 * a free port) in a JVM of its own, then runs {@link HotObjectSimulation} against it for a few
 * seconds with a few users, in a forked Gatling JVM like {@code gatling:test} does, and expects
 * Gatling's exit status 0 (all assertions held, the final count matched). Stops the node (and so
 * its Cassandra) and deletes the directory at the end. The node's log and Gatling's output and
 * HTML report stay in {@code loadtest/target/gatling-smoke}.
 *
 * <p>Set by the POM: {@code loadtest.gatling.classpath}, {@code loadtest.examples.target}, {@code
 * loadtest.results}.
 */
class GatlingSmokeIT {
  private static final Duration READY_WITHIN = Duration.ofSeconds(180);
  private static final String JAVA =
      Paths.get(System.getProperty("java.home"), "bin", "java").toString();

  private static Path results;
  private static Path dataDir;
  private static Process node;
  private static String baseUrl;

  @BeforeAll
  static void startNode() throws Exception {
    results = Paths.get(System.getProperty("loadtest.results", "target/gatling-smoke"));
    Files.createDirectories(results);
    Path examples = Paths.get(System.getProperty("loadtest.examples.target", "../examples/target"));
    Path jar;
    try (Stream<Path> files = Files.list(examples)) {
      jar = files
          .filter(p -> p.getFileName().toString().matches("durable-objects-examples-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().matches(".*-(sources|tests|javadoc)\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no examples jar in " + examples));
    }
    assertTrue(Files.isDirectory(examples.resolve("lib")), "no " + examples.resolve("lib"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    baseUrl = "http://127.0.0.1:" + port;
    dataDir = Files.createTempDirectory("gatling-smoke-node");
    ProcessBuilder builder =
        new ProcessBuilder(
                JAVA,
                "-Xms256m",
                "-Xmx512m",
                "-XX:+UseG1GC",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-cp",
                jar + File.pathSeparator + examples.resolve("lib") + File.separator + "*",
                "io.durableobjects.examples.DemoMain")
            .redirectErrorStream(true)
            .redirectOutput(results.resolve("node.log").toFile());
    builder.environment().put("DO_HTTP_PORT", Integer.toString(port));
    builder.environment().put("DO_DATA_DIR", dataDir.toString());
    builder.environment().remove("DO_CASSANDRA_CONTACT_POINTS");
    node = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(GatlingSmokeIT::stopNodeQuietly));

    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl + "/health/ready")).timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (true) {
      if (!node.isAlive()) {
        fail("the demo node exited with " + node.exitValue() + "; see " + results.resolve("node.log"));
      }
      try {
        if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        fail("the demo node was not ready within " + READY_WITHIN + "; see " + results.resolve("node.log"));
      }
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    stopNodeQuietly();
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** SIGTERM (the node stops its Cassandra on it), then SIGKILL of whatever is left. */
  private static synchronized void stopNodeQuietly() {
    if (node == null) {
      return;
    }
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
    node = null;
  }

  @Test
  void hotObjectSimulationPasses() throws Exception {
    Path output = results.resolve("gatling.log");
    List<String> command = new ArrayList<>(List.of(
        JAVA,
        "-Xmx512m",
        // As gatling-maven-plugin forks Gatling.
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
        "-DbaseUrl=" + baseUrl,
        "-Dusers=4",
        "-DdurationSec=3",
        // The first requests activate the object and warm up both JVMs: a loose bound.
        "-Dp99Ms=5000",
        "-cp",
        System.getProperty("loadtest.gatling.classpath"),
        "io.gatling.app.Gatling",
        "-s",
        HotObjectSimulation.class.getName(),
        "-rf",
        results.toString()));
    Process gatling =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      if (!gatling.waitFor(120, TimeUnit.SECONDS)) {
        fail("Gatling did not finish within 120 s; see " + output);
      }
    } finally {
      gatling.descendants().forEach(ProcessHandle::destroyForcibly);
      gatling.destroyForcibly();
    }
    String log = Files.readString(output);
    System.out.println(log);
    assertEquals(0, gatling.exitValue(), "Gatling's exit status; see " + output);
    assertTrue(log.contains("final count: count of failed events is 0.0 : true"), "the final count was checked");
  }
}
