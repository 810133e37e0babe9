package io.durableobjects.core.internal;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.InvalidObjectIdException;
import io.durableobjects.core.ObjectTimeoutException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.entity.ObjectEntity;
import io.durableobjects.core.internal.rpc.RpcDispatch;
import io.durableobjects.core.internal.rpc.RpcByName;
import io.durableobjects.core.internal.rpc.RpcProxies;
import io.durableobjects.core.internal.storage.ValueCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import scala.concurrent.ExecutionContextExecutor;

/**
 * INTERNAL API: a namespace backed by one Cluster Sharding entity type, {@code
 * durable-object-<namespace>}; persistence IDs are {@code durable-object-<namespace>|<hex id>}.
 */
public final class ShardedNamespace implements DurableObjectNamespace {
  private final String name;
  private final ClusterSharding sharding;
  private final EntityTypeKey<ObjectCommand> typeKey;
  private final Duration askTimeout;
  private final Duration unreachableAskTimeout;
  private final ClusterReachability reachability;
  private final Scheduler scheduler;
  private final ExecutionContextExecutor executor;
  private final ObjectMapper mapper;
  private final CallOrigin origin;
  /** How long a resendable call waits for an answer before it is sent again, in a hand-over. */
  private static final Duration RESEND_INTERVAL = Duration.ofSeconds(2);

  private ShardedNamespace(
      String name,
      ClusterSharding sharding,
      EntityTypeKey<ObjectCommand> typeKey,
      Duration askTimeout,
      Duration unreachableAskTimeout,
      ClusterReachability reachability,
      Scheduler scheduler,
      ExecutionContextExecutor executor,
      ObjectMapper mapper,
      CallOrigin origin) {
    this.name = name;
    this.sharding = sharding;
    this.typeKey = typeKey;
    this.askTimeout = askTimeout;
    this.unreachableAskTimeout = unreachableAskTimeout;
    this.reachability = reachability;
    this.scheduler = scheduler;
    this.executor = executor;
    this.mapper = mapper;
    this.origin = origin;
  }

  /**
   * This namespace as seen from inside an object: its calls carry the object's call chain, so
   * that a call coming back to the object re-enters it instead of waiting behind itself, and
   * leave only through the object's output gate.
   */
  public ShardedNamespace withCallOrigin(CallOrigin origin) {
    return new ShardedNamespace(
        name,
        sharding,
        typeKey,
        askTimeout,
        unreachableAskTimeout,
        reachability,
        scheduler,
        executor,
        mapper,
        origin);
  }

  /** The sharding entity type of a namespace's objects. */
  public static EntityTypeKey<ObjectCommand> typeKey(String namespace) {
    return EntityTypeKey.create(ObjectCommand.class, "durable-object-" + namespace);
  }

  /** Starts sharding for this namespace on this node. */
  public static ShardedNamespace start(
      ActorSystem<?> system,
      NamespaceSettings namespace,
      DurableObjectsSettings settings,
      ValueCodec codec,
      ObjectMapper mapper,
      Supplier<DurableObjects> env,
      io.durableobjects.core.spi.ObjectCatalog catalog,
      io.durableobjects.core.spi.AlarmIndex alarmIndex,
      io.micrometer.core.instrument.MeterRegistry registry,
      ClusterReachability reachability) {
    EntityTypeKey<ObjectCommand> typeKey = typeKey(namespace.name());
    ObjectEntity.Config entityConfig =
        new ObjectEntity.Config(
            namespace,
            codec,
            settings.snapshotEvery(),
            settings.keepSnapshots(),
            settings.deleteEventsOnSnapshot(),
            settings.stashCapacity(),
            settings.maxResponseBytes(),
            settings.requestTimeout(),
            settings.idempotency(),
            settings.journalPluginId(),
            settings.snapshotPluginId(),
            new RpcDispatch(mapper),
            env,
            catalog,
            new ObjectMetrics(registry, namespace.name()),
            settings.alarms(),
            alarmIndex,
            settings.webSockets());
    ClusterShardingSettings shardingSettings = ClusterShardingSettings.create(system);
    shardingSettings =
        shardingSettings.withPassivationStrategy(
            shardingSettings
                .passivationStrategySettings()
                .withIdleEntityPassivation(namespace.idleTimeout().orElse(settings.idleTimeout()))
                .withActiveEntityLimit(settings.activeObjectLimit())
                .withLeastRecentlyUsedReplacement());
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
                typeKey,
                ctx ->
                    ObjectEntity.create(
                        entityConfig,
                        PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()),
                        ctx.getEntityId(),
                        ctx.getShard()))
            .withStopMessage(ObjectCommand.Stop.INSTANCE)
            .withSettings(shardingSettings));
    return new ShardedNamespace(
        namespace.name(),
        sharding,
        typeKey,
        settings.askTimeout(),
        settings.unreachableAskTimeout(),
        reachability,
        system.scheduler(),
        system.executionContext(),
        mapper,
        CallOrigin.NONE);
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
    return DurableObjectId.internalCreate(name, ObjectIds.fromName(name, objectName), objectName);
  }

  @Override
  public DurableObjectId newUniqueId() {
    return DurableObjectId.internalCreate(name, ObjectIds.unique(name), null);
  }

  @Override
  public DurableObjectId idFromString(String hex) {
    String problem = ObjectIds.problem(name, hex);
    if (problem != null) {
      String shown = hex == null || hex.length() <= 80 ? String.valueOf(hex) : hex.substring(0, 80) + "...";
      throw new InvalidObjectIdException(
          "'" + shown + "' is not an ID of namespace '" + name + "': " + problem);
    }
    return DurableObjectId.internalCreate(name, hex, null);
  }

  @Override
  public DurableObjectStub get(DurableObjectId id) {
    if (!id.namespace().equals(name)) {
      throw new IllegalArgumentException(
          "ID " + id + " belongs to namespace '" + id.namespace() + "', not '" + name + "'");
    }
    return new Stub(id, sharding.entityRefFor(typeKey, id.toString()), null);
  }

  /**
   * Sends an operator's call to the object with this ID; completes with its reply, or exceptionally
   * with a DurableObjectException.
   */
  public CompletionStage<FetchReply> admin(
      DurableObjectId id, ObjectCommand.AdminOperation operation, String afterKey, int limit) {
    Stub stub = (Stub) get(id);
    return stub.send(replyTo -> new ObjectCommand.Admin(operation, afterKey, limit, replyTo), false);
  }

  private final class Stub implements DurableObjectStub {
    private final DurableObjectId id;
    private final EntityRef<ObjectCommand> ref;
    private final String idempotencyKey;

    Stub(DurableObjectId id, EntityRef<ObjectCommand> ref, String idempotencyKey) {
      this.id = id;
      this.ref = ref;
      this.idempotencyKey = idempotencyKey;
    }

    @Override
    public DurableObjectStub withIdempotencyKey(String key) {
      String problem = key == null ? "the key is missing" : IdempotencyKeys.problem(key);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return new Stub(id, ref, key);
    }

    @Override
    public DurableObjectId id() {
      return id;
    }

    @Override
    public CompletionStage<Response> fetch(Request request) {
      String objectName = id.name().orElse(null);
      List<String> chain = origin.callChain();
      Request keyed =
          idempotencyKey != null && request.header(IdempotencyKeys.HEADER).isEmpty()
              ? request.withHeader(IdempotencyKeys.HEADER, idempotencyKey)
              : request;
      boolean resendable = keyed.header(IdempotencyKeys.HEADER).isPresent();
      return send(replyTo -> new ObjectCommand.Fetch(objectName, keyed, chain, replyTo), resendable)
          .thenApply(reply -> ((FetchReply.Ok) reply).response());
    }

    @Override
    public <T> T rpc(Class<T> rpcInterface) {
      return RpcProxies.create(
          rpcInterface,
          id.name().orElse(null),
          origin::callChain,
          idempotencyKey,
          mapper,
          call -> send(call, idempotencyKey != null));
    }

    @Override
    public CompletionStage<String> rpcJson(String method, String jsonArguments) {
      return RpcByName.call(
          method,
          jsonArguments,
          id.name().orElse(null),
          origin.callChain(),
          idempotencyKey,
          mapper,
          call -> send(call, idempotencyKey != null));
    }

    /**
     * Asks the object once the caller's output gate lets the call leave; completes with its reply,
     * or exceptionally with a DurableObjectException (also when the gate never opens: the call is
     * then not sent).
     */
    private CompletableFuture<FetchReply> send(
        Function<ActorRef<FetchReply>, ObjectCommand.Call> call, boolean resendable) {
      CompletableFuture<Void> gate = origin.outputGate().toCompletableFuture();
      if (gate.isDone() && !gate.isCompletedExceptionally()) {
        return sendNow(call, resendable);
      }
      CompletableFuture<FetchReply> result = new CompletableFuture<>();
      // On the dispatcher: the gate opens on the object's actor, which must not run the caller's
      // continuations.
      gate.whenCompleteAsync(
          (open, closed) -> {
            if (closed != null) {
              result.completeExceptionally(
                  closed instanceof CompletionException && closed.getCause() != null
                      ? closed.getCause()
                      : closed);
            } else {
              sendNow(call, resendable)
                  .whenComplete(
                      (reply, failure) -> {
                        if (failure != null) {
                          result.completeExceptionally(failure);
                        } else {
                          result.complete(reply);
                        }
                      });
            }
          },
          executor);
      return result;
    }

    private CompletableFuture<FetchReply> sendNow(
        Function<ActorRef<FetchReply>, ObjectCommand.Call> call, boolean resendable) {
      CompletableFuture<FetchReply> result = new CompletableFuture<>();
      String unreachableAtSend = reachability.failingNodes();
      if (resendable) {
        // Pekko drops a call that meets the start of its object's hand-over (a node leaving, or
        // rebalancing to a new one): while the membership is changing, a call still unanswered is
        // sent again. The object applies a call with an Idempotency-Key at most once and answers
        // every copy alike.
        scheduleResend(call, result, System.nanoTime() + askTimeout.toNanos());
      }
      // Pekko's ask returns a Scala-backed stage whose plain callbacks run on the common pool;
      // completing on the actor system's dispatcher keeps callers off that pool (2-core trap).
      ref.<FetchReply>ask(call::apply, askTimeout)
          .whenCompleteAsync(
              (reply, failure) -> {
                if (failure != null) {
                  result.completeExceptionally(translate(failure, unreachableAtSend, askTimeout));
                } else if (reply instanceof FetchReply.Failed failed) {
                  result.completeExceptionally(
                      new DurableObjectException(failed.status(), failed.code(), failed.message()));
                } else {
                  result.complete(reply);
                }
              },
              executor);
      if (unreachableAtSend != null && unreachableAskTimeout.compareTo(askTimeout) < 0) {
        // The object may live on the unreachable node, where this call is lost: answer a
        // retryable 503 soon rather than keep the caller for the whole ask-timeout.
        Cancellable deadline =
            scheduler.scheduleOnce(
                unreachableAskTimeout,
                () ->
                    result.completeExceptionally(
                        unavailableWhileUnreachable(unreachableAtSend, unreachableAskTimeout)),
                executor);
        result.whenComplete((reply, failure) -> deadline.cancel());
      }
      return result;
    }

    private void scheduleResend(
        Function<ActorRef<FetchReply>, ObjectCommand.Call> call,
        CompletableFuture<FetchReply> result,
        long deadlineNanos) {
      Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime()).minus(RESEND_INTERVAL);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      Cancellable check =
          scheduler.scheduleOnce(
              RESEND_INTERVAL,
              () -> {
                if (result.isDone()) {
                  return;
                }
                if (reachability.recentChange() != null || reachability.failingNodes() != null) {
                  ref.<FetchReply>ask(call::apply, left)
                      .whenCompleteAsync(
                          (reply, failure) -> {
                            // The first copy's outcome decides failures; a copy only adds an
                            // answer.
                            if (failure == null && !(reply instanceof FetchReply.Failed)) {
                              result.complete(reply);
                            }
                          },
                          executor);
                }
                scheduleResend(call, result, deadlineNanos);
              },
              executor);
      result.whenComplete((reply, failure) -> check.cancel());
    }

    private Throwable translate(Throwable failure, String unreachableAtSend, Duration waited) {
      Throwable cause =
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure;
      if (cause instanceof TimeoutException) {
        String unreachable = reachability.failingNodes();
        if (unreachable != null || unreachableAtSend != null) {
          return unavailableWhileUnreachable(
              unreachable != null ? unreachable : unreachableAtSend, waited);
        }
        String leaving = reachability.recentChange();
        if (leaving != null) {
          return unavailable(
              waited, "objects move between nodes after a membership change: " + leaving + ".");
        }
        return new ObjectTimeoutException(
            "object " + id + " in namespace '" + name + "' did not answer within " + waited);
      }
      return new ObjectUnavailableException(
          "object " + id + " in namespace '" + name + "' could not be reached: " + cause.getMessage());
    }

    private ObjectUnavailableException unavailableWhileUnreachable(String nodes, Duration waited) {
      return unavailable(
          waited,
          "these cluster nodes are unreachable or just downed: "
              + nodes
              + "; if it lived there, it is started on a surviving node once they are downed.");
    }

    /** A retryable 503: no answer within {@code waited} while {@code situation}. */
    private ObjectUnavailableException unavailable(Duration waited, String situation) {
      return new ObjectUnavailableException(
          "object "
              + id
              + " in namespace '"
              + name
              + "' did not answer within "
              + waited.toMillis()
              + " ms while "
              + situation
              + " Retry (a write with an Idempotency-Key, as it may have been applied)");
    }
  }
}
