package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.gateway.DurableObjectsServer;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path for real: HTTP gateway → sharded object → journal in a real Cassandra, across a
 * restart of the node (a new actor system), and the events read back from Cassandra's own table.
 */
@ExtendWith(CassandraExtension.class)
class CounterEndToEndIT {

  @Test
  void aHundredIncrementsSurviveANodeRestartAndAreInTheJournal(EmbeddedCassandra cassandra)
      throws Exception {
    NodeFixture fixture = new NodeFixture(CounterEndToEndIT.class, cassandra);

    try (DurableObjectsServer node =
        DurableObjectsServer.start(DurableObjectsServer.loadConfig(fixture.nodeConfig()))) {
      int port = node.httpAddress().getPort();
      for (int i = 1; i <= 100; i++) {
        HttpResponse<String> response = NodeFixture.post(port, "/v1/counter/by-name/e2e/increment");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Integer.toString(i));
      }
    }

    try (DurableObjectsServer node =
        DurableObjectsServer.start(DurableObjectsServer.loadConfig(fixture.nodeConfig()))) {
      int port = node.httpAddress().getPort();
      HttpResponse<String> response = NodeFixture.get(port, "/v1/counter/by-name/e2e/");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("100");
      assertThat(NodeFixture.post(port, "/v1/counter/by-name/e2e/increment").body())
          .isEqualTo("101");
    }

    String persistenceId = "durable-object-counter|" + ObjectIds.fromName("counter", "e2e");
    try (CqlSession session = cassandra.openSession()) {
      List<Row> rows =
          session
              .execute(
                  "SELECT sequence_nr, ser_id, ser_manifest, event, writer_uuid FROM "
                      + fixture.journalKeyspace
                      + ".events WHERE persistence_id = ? AND partition_nr = 0 AND sequence_nr > 0",
                  persistenceId)
              .all();
      // 100 increments, the empty checkpoint the counter wrote when the first node stopped (100
      // events since no snapshot: snapshot-before-stop-after), and the 101st increment.
      assertThat(rows).hasSize(102);
      assertThat(rows).extracting(r -> r.getLong("sequence_nr")).first().isEqualTo(1L);
      assertThat(rows)
          .allSatisfy(
              r -> {
                assertThat(r.getInt("ser_id")).isEqualTo(1_704_117);
                assertThat(r.getString("ser_manifest")).isEqualTo("transaction-committed");
                assertThat(r.getByteBuffer("event").remaining()).isPositive();
              });
      // The partition's fence, its row 0: the last writer's UUID and the highest sequence number.
      Row fence =
          session
              .execute(
                  "SELECT writer, highest_sequence_nr FROM "
                      + fixture.journalKeyspace
                      + ".events WHERE persistence_id = ? AND partition_nr = 0 AND sequence_nr = 0",
                  persistenceId)
              .one();
      assertThat(fence.getLong("highest_sequence_nr")).isEqualTo(102L);
      assertThat(fence.getString("writer")).isEqualTo(rows.get(101).getString("writer_uuid"));
      assertThat(fixture.snapshotSequenceNrs(session, persistenceId).get(0))
          .as("the checkpoint's snapshot")
          .isEqualTo(101L);
    }
  }
}
