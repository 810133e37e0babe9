package io.durableobjects.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CassandraSchemaToolTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void printsTheSchemaForTheGivenKeyspacesWithoutConnecting() {
    int status =
        run(
            "--print",
            "--journal-keyspace",
            "events",
            "--snapshot-keyspace",
            "snaps",
            "--replication",
            "{'class': 'NetworkTopologyStrategy', 'dc1': 3}");

    assertThat(status).isZero();
    assertThat(text(out))
        .contains(
            "CREATE KEYSPACE IF NOT EXISTS events\n"
                + "  WITH REPLICATION = {'class': 'NetworkTopologyStrategy', 'dc1': 3};")
        .contains("CREATE TABLE IF NOT EXISTS events.events (")
        .contains("CREATE TABLE IF NOT EXISTS snaps.snapshots (");
  }

  @Test
  void invalidArgumentsExitWithStatus2AndTheReason() {
    assertThat(run("--journal-keyspace", "bad-name", "--print")).isEqualTo(2);
    assertThat(text(err))
        .contains("error: durable-objects.cassandra.journal-keyspace \"bad-name\" is not a valid")
        .contains("usage: CassandraSchemaTool");

    err.reset();
    assertThat(run("--contact-points", "cassandra")).isEqualTo(2);
    assertThat(text(err)).contains("has no port");

    err.reset();
    assertThat(run("--bogus")).isEqualTo(2);
    assertThat(text(err)).contains("unknown argument \"--bogus\"");

    err.reset();
    assertThat(run("--datacenter")).isEqualTo(2);
    assertThat(text(err)).contains("--datacenter needs a value");
  }

  @Test
  void unreachableClusterExitsWithStatus1() {
    // Port 1 on localhost refuses connections at once.
    assertThat(run("--contact-points", "127.0.0.1:1")).isEqualTo(1);
    assertThat(text(err)).startsWith("error: ");
  }

  private int run(String... args) {
    return CassandraSchemaTool.run(
        args,
        null,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
