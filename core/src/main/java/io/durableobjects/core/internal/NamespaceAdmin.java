package io.durableobjects.core.internal;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.UnknownNamespaceException;
import io.durableobjects.core.admin.ActiveObjects;
import io.durableobjects.core.admin.HistoryPage;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.OpenSocket;
import io.durableobjects.core.admin.PastInspection;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand.AdminOperation;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.history.Changes;
import io.durableobjects.core.internal.history.EntryPage;
import io.durableobjects.core.internal.history.HistoryPoint;
import io.durableobjects.core.internal.history.JournalEvents;
import io.durableobjects.core.internal.history.KeyFilter;
import io.durableobjects.core.internal.history.PastStates;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.IdPrefix;
import io.durableobjects.core.spi.JournalReads;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/** INTERNAL API: {@link ObjectAdmin} over the sharded namespaces and the catalog. */
public final class NamespaceAdmin implements ObjectAdmin {
  private final Map<String, DurableObjectNamespace> namespaces;
  private final Map<String, String> classes;
  private final ObjectCatalog catalog;
  private final JournalEvents journal;
  private final PastStates past;
  private final ShardingStats sharding;

  public NamespaceAdmin(
      Map<String, DurableObjectNamespace> namespaces,
      Map<String, String> classes,
      ObjectCatalog catalog,
      JournalEvents journal,
      ActorSystem<?> system,
      Duration askTimeout) {
    this.namespaces = namespaces;
    this.classes = Map.copyOf(classes);
    this.catalog = catalog;
    this.journal = journal;
    this.past = new PastStates(journal);
    this.sharding = new ShardingStats(system, askTimeout);
  }

  @Override
  public Map<String, String> namespaces() {
    return new java.util.TreeMap<>(classes);
  }

  @Override
  public CompletionStage<CatalogPage> listObjects(
      String namespace, String idPrefix, Optional<String> afterId, int limit) {
    ShardedNamespace ns = namespace(namespace);
    checkLimit(limit);
    IdPrefix prefix = new IdPrefix(idPrefix);
    afterId.ifPresent(
        id -> {
          String problem = ObjectIds.problem(ns.name(), id);
          if (problem != null) {
            throw new IllegalArgumentException(
                "the cursor is not an ID of this namespace: " + problem);
          }
        });
    return catalog.list(namespace, prefix.value(), afterId, limit);
  }

  @Override
  public CompletionStage<ActiveObjects> activeObjects(String namespace) {
    return sharding.activeObjects(namespace(namespace).name());
  }

  @Override
  public CompletionStage<ObjectInspection> inspect(
      DurableObjectId id, Optional<String> afterKey, int limit) {
    checkLimit(limit);
    return namespace(id.namespace())
        .admin(id, AdminOperation.INSPECT, afterKey.orElse(null), limit)
        .thenApply(reply -> toInspection(id, (FetchReply.Inspected) reply));
  }

  @Override
  public CompletionStage<Integer> deleteAll(DurableObjectId id) {
    return namespace(id.namespace())
        .admin(id, AdminOperation.DELETE_ALL, null, 0)
        .thenApply(reply -> ((FetchReply.Deleted) reply).keysDeleted());
  }

  @Override
  public CompletionStage<HistoryPage> history(DurableObjectId id, long fromSequenceNr, int limit) {
    namespace(id.namespace());
    checkLimit(limit);
    if (fromSequenceNr < 0) {
      throw new IllegalArgumentException(
          "from must be a sequence number, 0 or more, got " + fromSequenceNr);
    }
    String persistenceId = ShardedNamespace.persistenceId(id);
    CompletionStage<Long> oldest =
        journal
            .read(persistenceId, 1, Long.MAX_VALUE, 1)
            .thenApply(read -> read.events().isEmpty() ? 0L : read.events().get(0).sequenceNr());
    return oldest.thenCompose(
        first ->
            journal
                .read(
                    persistenceId,
                    Math.max(Math.max(fromSequenceNr, first), 1),
                    Long.MAX_VALUE,
                    limit)
                .thenApply(
                    read -> {
                      List<ObjectChange> changes = new ArrayList<>();
                      long last = 0;
                      for (JournalReads.Event event : read.events()) {
                        Changes.of(
                                event.sequenceNr(),
                                (TransactionCommitted) event.payload(),
                                event.timestampMillis(),
                                KeyFilter.ALL)
                            .ifPresent(changes::add);
                        last = event.sequenceNr();
                      }
                      return new HistoryPage(
                          id.namespace(),
                          id.toString(),
                          first,
                          read.highestSequenceNr(),
                          changes,
                          last > 0 && last < read.highestSequenceNr()
                              ? OptionalLong.of(last + 1)
                              : OptionalLong.empty());
                    }));
  }

  @Override
  public CompletionStage<PastInspection> inspectAsOf(
      DurableObjectId id, String asOf, Optional<String> afterKey, int limit) {
    namespace(id.namespace());
    checkLimit(limit);
    HistoryPoint point = HistoryPoint.parse(asOf);
    return past.at(ShardedNamespace.persistenceId(id), point)
        .thenApply(
            then -> {
              CommittedState state = then.state();
              EntryPage page =
                  EntryPage.of(state.data(), afterKey.orElse(null), limit, Long.MAX_VALUE);
              long millis = state.lastWriteMillis();
              Optional<Instant> time =
                  then.sequenceNr() > 0 && millis > 0
                      ? Optional.of(Instant.ofEpochMilli(millis))
                      : Optional.empty();
              ObjectInspection inspection =
                  toInspection(
                      id,
                      new FetchReply.Inspected(
                          null,
                          state.data().size(),
                          state.data().bytes(),
                          then.sequenceNr(),
                          millis,
                          page.keys(),
                          page.values(),
                          page.nextCursor(),
                          state.alarms().userAlarms(),
                          state.sockets().all(),
                          0L));
              return new PastInspection(inspection, then.sequenceNr(), time);
            });
  }

  @Override
  public CompletionStage<Long> restore(DurableObjectId id, String asOf) {
    return fork(id, asOf, id);
  }

  @Override
  public CompletionStage<Long> fork(DurableObjectId source, String asOf, DurableObjectId target) {
    namespace(source.namespace());
    if (!source.namespace().equals(target.namespace())) {
      throw new IllegalArgumentException(
          "a fork stays in its namespace: "
              + source.namespace()
              + " cannot be copied into "
              + target.namespace());
    }
    HistoryPoint.parse(asOf); // refused here, with its reason, before the object is called
    return namespace(target.namespace())
        .restore(target, ShardedNamespace.persistenceId(source), asOf)
        .thenApply(reply -> ((FetchReply.Restored) reply).restoredSequenceNr());
  }

  @Override
  public CompletionStage<Done> ping() {
    return catalog.ping();
  }

  private ShardedNamespace namespace(String name) {
    DurableObjectNamespace ns = namespaces.get(name);
    if (ns == null) {
      throw new UnknownNamespaceException(name, namespaces.keySet());
    }
    return (ShardedNamespace) ns;
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "the limit must be between 1 and " + MAX_PAGE_SIZE + ", got " + limit);
    }
  }

  private static ObjectInspection toInspection(DurableObjectId id, FetchReply.Inspected reply) {
    List<StoredEntry> entries = new ArrayList<>(reply.keys().size());
    for (int i = 0; i < reply.keys().size(); i++) {
      entries.add(ValueCodec.toStoredEntry(reply.keys().get(i), reply.values().get(i)));
    }
    return new ObjectInspection(
        id.namespace(),
        id.toString(),
        Optional.ofNullable(reply.name()).or(id::name),
        reply.keyCount(),
        reply.bytes(),
        reply.lastSequenceNr(),
        reply.lastWriteMillis() > 0
            ? Optional.of(Instant.ofEpochMilli(reply.lastWriteMillis()))
            : Optional.empty(),
        entries,
        Optional.ofNullable(reply.nextCursor()),
        reply.alarms().stream()
            .map(
                alarm ->
                    new io.durableobjects.core.admin.PendingAlarm(
                        alarm.name(),
                        Instant.ofEpochMilli(alarm.scheduledMillis()),
                        alarm.retryCount(),
                        Instant.ofEpochMilli(alarm.dueMillis())))
            .toList(),
        reply.sockets().stream()
            .map(
                socket ->
                    new OpenSocket(
                        socket.id(),
                        socket.tags(),
                        Optional.ofNullable(socket.attachment())
                            .map(bytes -> ValueCodec.toStoredEntry(socket.id(), bytes))))
            .toList(),
        reply.activationMillis() > 0
            ? Optional.of(Instant.ofEpochMilli(reply.activationMillis()))
            : Optional.empty());
  }
}
