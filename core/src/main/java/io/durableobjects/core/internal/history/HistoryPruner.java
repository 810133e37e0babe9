package io.durableobjects.core.internal.history;

import io.durableobjects.core.internal.NamespaceSettings;
import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.internal.ShardedNamespace;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * INTERNAL API: the background job that deletes history past each namespace's {@code
 * history.retention} (a cluster singleton). Every {@code durable-objects.history.prune-interval} it
 * walks the catalog of each namespace that keeps history for a limited time and prunes the objects
 * one at a time ({@link HistoryPruning}), so that it never adds more than one object's reads and
 * deletes at once to the store's load. A failure is logged and the walk goes on with the next
 * object; the next round retries it.
 */
public final class HistoryPruner {
  private HistoryPruner() {}

  private enum Tick {
    INSTANCE
  }

  private record Pruned(Throwable failure) {}

  private record Listed(CatalogPage page, Throwable failure) {}

  /** The namespaces to prune, with their retention; the interval between rounds. */
  public static Behavior<Object> create(
      List<NamespaceSettings> namespaces,
      ObjectCatalog catalog,
      HistoryPruning pruning,
      Duration interval,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
                  return new Round(ctx, timers, namespaces, catalog, pruning, clock).idle();
                }));
  }

  private static final class Round {
    private final ActorContext<Object> ctx;
    private final List<NamespaceSettings> namespaces;
    private final ObjectCatalog catalog;
    private final HistoryPruning pruning;
    private final Clock clock;
    private final Deque<CatalogEntry> objects = new ArrayDeque<>();
    private int namespaceIndex;
    private Optional<String> cursor = Optional.empty();
    private boolean lastPage;
    private long cutoffMillis;
    private long pruned;

    Round(
        ActorContext<Object> ctx,
        TimerScheduler<Object> timers,
        List<NamespaceSettings> namespaces,
        ObjectCatalog catalog,
        HistoryPruning pruning,
        Clock clock) {
      this.ctx = ctx;
      this.namespaces = namespaces.stream().filter(ns -> ns.history().keep().isPresent()).toList();
      this.catalog = catalog;
      this.pruning = pruning;
      this.clock = clock;
    }

    Behavior<Object> idle() {
      return Behaviors.receive(Object.class)
          .onMessageEquals(Tick.INSTANCE, this::startRound)
          .build();
    }

    private Behavior<Object> startRound() {
      if (namespaces.isEmpty()) {
        return idle();
      }
      namespaceIndex = 0;
      pruned = 0;
      startNamespace();
      return Behaviors.receive(Object.class)
          .onMessage(Listed.class, this::onListed)
          .onMessage(Pruned.class, this::onPruned)
          .onMessageEquals(Tick.INSTANCE, () -> Behaviors.same()) // a round still runs
          .build();
    }

    private void startNamespace() {
      NamespaceSettings ns = namespaces.get(namespaceIndex);
      cutoffMillis = clock.millis() - ns.history().keep().orElseThrow().toMillis();
      cursor = Optional.empty();
      lastPage = false;
      listNext();
    }

    private void listNext() {
      ctx.pipeToSelf(catalog.list(namespaces.get(namespaceIndex).name(), cursor, 500), Listed::new);
    }

    private Behavior<Object> onListed(Listed listed) {
      if (listed.failure() != null) {
        ctx.getLog().warn("History pruning could not read the catalog", listed.failure());
        return finishRound();
      }
      objects.addAll(listed.page().entries());
      cursor = listed.page().nextCursor();
      lastPage = cursor.isEmpty();
      return next();
    }

    private Behavior<Object> next() {
      CatalogEntry entry = objects.pollFirst();
      if (entry != null) {
        NamespaceSettings ns = namespaces.get(namespaceIndex);
        String persistenceId =
            ShardedNamespace.persistenceId(ObjectIdFactory.create(ns.name(), entry.id(), null));
        ctx.pipeToSelf(
            pruning.prune(persistenceId, cutoffMillis), (seq, failure) -> new Pruned(failure));
        return Behaviors.same();
      }
      if (!lastPage) {
        listNext();
        return Behaviors.same();
      }
      namespaceIndex++;
      if (namespaceIndex < namespaces.size()) {
        startNamespace();
        return Behaviors.same();
      }
      return finishRound();
    }

    private Behavior<Object> onPruned(Pruned result) {
      if (result.failure() != null) {
        ctx.getLog()
            .warn("History pruning of one object failed; next round retries", result.failure());
      } else {
        pruned++;
      }
      return next();
    }

    private Behavior<Object> finishRound() {
      ctx.getLog().debug("History pruning round done: {} objects", pruned);
      objects.clear();
      return idle();
    }
  }
}
