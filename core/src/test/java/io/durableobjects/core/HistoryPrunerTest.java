package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.admin.HistoryPage;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.internal.DurableObjectsSettings;
import io.durableobjects.core.internal.InMemoryObjectCatalog;
import io.durableobjects.core.internal.history.HistoryPruner;
import io.durableobjects.core.internal.history.HistoryPruning;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.JournalHistory;
import io.durableobjects.core.spi.CatalogEntry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history pruner on a one-node cluster with the persistence testkit's journal (read through
 * Pekko's replay protocol): it walks the catalog of a namespace whose history.retention has passed
 * and leaves each object's state reachable from a snapshot, its older transactions gone.
 */
class HistoryPrunerTest {
  private static ActorTestKit testKit;
  private static DurableObjects objects;

  @BeforeAll
  static void start() {
    testKit =
        TestNodes.start(
            "HistoryPrunerTest",
            """
            durable-objects.namespaces.kept {
              class = "%s"
              history.retention = 1m
            }
            """
                .formatted(ObjectAdminTest.KeyValueObject.class.getName()));
    objects = DurableObjects.get(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return TestTime.await(stage);
  }

  @Test
  void transactionsPastTheRetentionArePrunedAndTheStateStays() throws Exception {
    DurableObjectNamespace kept = objects.namespace("kept");
    DurableObjectId id = kept.idFromName("pruned");
    for (String key : List.of("a", "b", "c")) {
      await(kept.get(id).fetch(Request.of("PUT", "/" + key).withBody(key)));
    }
    ObjectAdmin admin = objects.admin();
    assertThat(await(admin.history(id, 0, 100)).transactions()).hasSize(3);

    DurableObjectsSettings settings =
        DurableObjectsSettings.fromConfig(
            testKit.system().settings().config(), getClass().getClassLoader());
    InMemoryObjectCatalog catalog = new InMemoryObjectCatalog();
    await(
        catalog.record(
            new CatalogEntry("kept", id.toString(), Optional.of("pruned"), true, Instant.now())));
    JournalEvents journal =
        new JournalEvents(
            testKit.system(),
            settings.journalPluginId(),
            settings.snapshotPluginId(),
            Duration.ofSeconds(5));
    // Two minutes from now, the three transactions are older than the retention (1 minute).
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofMinutes(2)), ZoneOffset.UTC);
    testKit.spawn(
        HistoryPruner.create(
            List.copyOf(settings.namespaces().values()),
            catalog,
            new HistoryPruning(
                journal,
                new JournalHistory(
                    testKit.system(),
                    settings.journalPluginId(),
                    settings.snapshotPluginId(),
                    Duration.ofSeconds(5))),
            Duration.ofMillis(100),
            later));

    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(10),
            () -> {
              HistoryPage page = await(admin.history(id, 0, 100));
              assertThat(page.transactions()).isEmpty();
              assertThat(page.lastSequenceNr()).isEqualTo(3);
              return null;
            });
    assertThat(await(admin.inspectAsOf(id, "3", Optional.empty(), 10)).inspection().entries())
        .hasSize(3);
    assertThatThrownBy(() -> await(admin.inspectAsOf(id, "2", Optional.empty(), 10)))
        .hasMessageContaining("no longer holds the object's transaction");
    // The object goes on from its state: a fourth key.
    assertThat(await(kept.get(id).fetch(Request.of("PUT", "/d").withBody("d"))).bodyText())
        .isEqualTo("4");
  }
}
