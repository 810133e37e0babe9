package io.durableobjects.loadtest.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos suite's smoke run in {@code ./mvnw verify}: the suite of {@code bin/chaos} with one
 * fast run, a SIGSTOP of a node for 6 s (shorter than it takes the cluster to down it: the node
 * comes back by itself, a stale instance that the journal's fence must keep from writing), with
 * fewer clients and objects, on loopback. It fails if an acknowledged write was lost, a value was
 * acknowledged twice, the journal holds a sequence number twice, a reminder was not delivered, or a
 * run could not be completed. The summary and the nodes' logs stay in {@code
 * loadtest/target/chaos-smoke}.
 *
 * <p>{@code kill -9} of a node under load, which this run also did until the tests were merged, is
 * verified by the examples' {@code ForkedClusterFaultsIT} (no acknowledged write lost, no count
 * acknowledged twice, the node's objects and alarms move to the survivors); {@code bin/chaos} runs
 * it against this harness, with every other fault.
 */
class ChaosSmokeIT {
  /**
   * bin/chaos's node options, but C1 only and the serial collector: on a shared 2-core machine the
   * nodes start sooner without C2 compiles and GC threads competing with Cassandra and each other,
   * and a node of this short run does not need C2's code. bin/chaos keeps the defaults.
   */
  private static final List<String> NODE_OPTIONS =
      List.of(
          (ChaosSettings.DEFAULT_NODE_OPTIONS.replace("-XX:+UseG1GC", "-XX:+UseSerialGC")
                  + " -XX:TieredStopAtLevel=1")
              .split(" "));

  @Test
  @Timeout(600)
  void aNodePausedLosesAndDuplicatesNothing() throws Exception {
    Path out = Path.of("target", "chaos-smoke");
    ChaosSettings settings =
        new ChaosSettings(
            List.of(Fault.PAUSE_NODE),
            Map.of(Fault.PAUSE_NODE, 1),
            Duration.ofSeconds(3), // warm-up
            Duration.ofSeconds(6), // pause
            Duration.ofSeconds(30), // partition (not run)
            Duration.ofSeconds(10), // Cassandra down (not run)
            Duration.ofSeconds(2), // load after recovery
            Duration.ofSeconds(20), // drain
            Duration.ofSeconds(60), // alarm margin
            Duration.ofSeconds(150), // recover within
            8,
            12,
            4,
            "loopback",
            NODE_OPTIONS,
            Path.of(System.getProperty("loadtest.examples.target", "../examples/target")),
            out);
    boolean ok = ChaosMain.run(settings);
    assertTrue(
        ok,
        "the chaos smoke run found problems:\n"
            + (Files.exists(out.resolve("summary.md"))
                ? Files.readString(out.resolve("summary.md"))
                : ""));
  }
}
