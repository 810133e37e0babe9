package io.durableobjects.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.durableobjects.loadtest.bench.BenchMain;
import io.durableobjects.loadtest.bench.DemoNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of the load tests in {@code ./mvnw verify}: starts the examples' demo node (its jar
 * and {@code examples/target/lib}, on an embedded Cassandra in a temporary directory, HTTP on a
 * free port) in a JVM of its own, then runs {@link HotObjectSimulation} against it for a few
 * seconds with a few users, in a forked Gatling JVM like {@code gatling:test} does, and expects
 * Gatling's exit status 0 (all assertions held, the final count matched). Stops the node (and so
 * its Cassandra) and deletes the directory at the end. The node's log and Gatling's output and HTML
 * report stay in {@code loadtest/target/gatling-smoke}.
 *
 * <p>Set by the POM: {@code loadtest.gatling.classpath}, {@code loadtest.examples.target}, {@code
 * loadtest.results}.
 */
class GatlingSmokeIT {
  private static final Duration READY_WITHIN = Duration.ofSeconds(180);
  private static final String JAVA =
      Paths.get(System.getProperty("java.home"), "bin", "java").toString();

  private static Path results;
  private static DemoNode node;

  @BeforeAll
  static void startNode() throws Exception {
    results = Paths.get(System.getProperty("loadtest.results", "target/gatling-smoke"));
    Files.createDirectories(results);
    Path examples = Paths.get(System.getProperty("loadtest.examples.target", "../examples/target"));
    node =
        DemoNode.start(
            examples,
            // bin/bench's node options, but C1 only and the serial collector: the node (and its
            // Cassandra) start sooner on a shared 2-core machine without C2 compiles and GC threads
            // competing, and a few seconds of smoke load need no C2 code. bin/bench keeps G1 and
            // C2.
            List.of(
                (BenchMain.DEFAULT_NODE_OPTIONS.replace("-XX:+UseG1GC", "-XX:+UseSerialGC")
                        + " -XX:TieredStopAtLevel=1")
                    .split(" ")),
            results.resolve("node.log"),
            READY_WITHIN);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void hotObjectSimulationPasses() throws Exception {
    Path output = results.resolve("gatling.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                JAVA,
                "-Xmx512m",
                // As gatling-maven-plugin forks Gatling.
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
                "-DbaseUrl=" + node.baseUrl(),
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
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
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
    assertTrue(
        log.contains("final count: count of failed events is 0.0 : true"),
        "the final count was checked");
  }
}
