package io.durableobjects.core.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.InvalidObjectIdException;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.feed.ChangeFeeds;
import io.durableobjects.core.internal.history.JournalEvents;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * INTERNAL API: a namespace backed by one Cluster Sharding entity type, {@code
 * durable-object-<namespace>}; persistence IDs are {@code durable-object-<namespace>|<hex id>}. It
 * makes IDs ({@link ObjectIds}) and stubs; calls reach the objects through the node's {@link
 * ObjectCaller}.
 */
public final class ShardedNamespace implements DurableObjectNamespace {
  private final String name;
  private final ObjectCaller caller;
  private final ObjectMapper mapper;
  private final CallOrigin origin;
  private final ChangeFeeds feeds;

  private ShardedNamespace(
      String name, ObjectCaller caller, ObjectMapper mapper, CallOrigin origin, ChangeFeeds feeds) {
    this.feeds = feeds;
    this.name = name;
    this.caller = caller;
    this.mapper = mapper;
    this.origin = origin;
  }

  /**
   * This namespace as seen from inside an object: its calls carry the object's call chain, so that
   * a call coming back to the object re-enters it instead of waiting behind itself, and leave only
   * through the object's output gate.
   */
  public ShardedNamespace withCallOrigin(CallOrigin origin) {
    return new ShardedNamespace(name, caller, mapper, origin, feeds);
  }

  /** The sharding entity type of a namespace's objects. */
  public static EntityTypeKey<ObjectCommand> typeKey(String namespace) {
    return EntityTypeKey.create(ObjectCommand.class, "durable-object-" + namespace);
  }

  /** The persistence ID of the object {@code id}: {@code durable-object-<namespace>|<hex id>}. */
  public static String persistenceId(DurableObjectId id) {
    return org.apache.pekko.persistence.typed.PersistenceId.of(
            typeKey(id.namespace()).name(), id.toString())
        .id();
  }

  /** Starts sharding for this namespace on this node; its feeds read {@code journal}. */
  public static ShardedNamespace start(
      ActorSystem<?> system,
      NamespaceSettings namespace,
      DurableObjectsSettings settings,
      NodeServices services,
      JournalEvents journal) {
    NamespaceSharding.init(system, namespace, settings, services);
    ChangeFeeds feeds = new ChangeFeeds(system, namespace.name(), namespace.objectClass(), journal);
    return new ShardedNamespace(
        namespace.name(), services.caller(), services.mapper(), CallOrigin.NONE, feeds);
  }

  /** The way this namespace's calls reach objects. */
  ObjectCaller caller() {
    return caller;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public DurableObjectId idFromName(String objectName) {
    if (objectName == null || objectName.isEmpty()) {
      throw new IllegalArgumentException("an object name must not be null or empty");
    }
    return ObjectIdFactory.create(name, ObjectIds.fromName(name, objectName), objectName);
  }

  @Override
  public DurableObjectId newUniqueId() {
    return ObjectIdFactory.create(name, ObjectIds.unique(name), null);
  }

  @Override
  public DurableObjectId idFromString(String hex) {
    String problem = ObjectIds.problem(name, hex);
    if (problem != null) {
      String shown =
          hex == null || hex.length() <= 80 ? String.valueOf(hex) : hex.substring(0, 80) + "...";
      throw new InvalidObjectIdException(
          "'" + shown + "' is not an ID of namespace '" + name + "': " + problem);
    }
    return ObjectIdFactory.create(name, hex, null);
  }

  @Override
  public DurableObjectStub get(DurableObjectId id) {
    checkOwn(id);
    return new ObjectStub(id, caller, origin, mapper, null, feeds);
  }

  /**
   * Sends an operator's call to the object with this ID; completes with its reply, or exceptionally
   * with a DurableObjectException.
   */
  public CompletionStage<FetchReply> admin(
      DurableObjectId id, ObjectCommand.AdminOperation operation, String afterKey, int limit) {
    checkOwn(id);
    return caller.call(
        id, origin, replyTo -> new ObjectCommand.Admin(operation, afterKey, limit, replyTo), false);
  }

  /**
   * Replaces {@code id}'s keys and alarms with those of {@code sourcePersistenceId}'s state at
   * {@code asOf}, as one transaction of {@code id}.
   */
  public CompletionStage<FetchReply> restore(
      DurableObjectId id, String sourcePersistenceId, String asOf) {
    checkOwn(id);
    return caller.call(
        id,
        origin,
        replyTo ->
            new ObjectCommand.Admin(
                ObjectCommand.AdminOperation.RESTORE, null, 0, sourcePersistenceId, asOf, replyTo),
        false);
  }

  private void checkOwn(DurableObjectId id) {
    if (!id.namespace().equals(name)) {
      throw new IllegalArgumentException(
          "ID " + id + " belongs to namespace '" + id.namespace() + "', not '" + name + "'");
    }
  }
}
