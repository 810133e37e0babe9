package io.durableobjects.core.internal;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.UnknownNamespaceException;
import io.durableobjects.core.admin.ActiveObjects;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.OpenSocket;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand.AdminOperation;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.IdPrefix;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/** INTERNAL API: {@link ObjectAdmin} over the sharded namespaces and the catalog. */
public final class NamespaceAdmin implements ObjectAdmin {
  private final Map<String, DurableObjectNamespace> namespaces;
  private final Map<String, String> classes;
  private final ObjectCatalog catalog;
  private final ShardingStats sharding;

  public NamespaceAdmin(
      Map<String, DurableObjectNamespace> namespaces,
      Map<String, String> classes,
      ObjectCatalog catalog,
      ActorSystem<?> system,
      Duration askTimeout) {
    this.namespaces = namespaces;
    this.classes = Map.copyOf(classes);
    this.catalog = catalog;
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
