package io.durableobjects.core.internal.entity;

import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.ObjectTimeoutException;
import io.durableobjects.core.ObjectUnavailableException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.AlarmSettings;
import io.durableobjects.core.internal.IdempotencyKeys;
import io.durableobjects.core.internal.IdempotencySettings;
import io.durableobjects.core.internal.NamespaceSettings;
import io.durableobjects.core.internal.ObjectIds;
import io.durableobjects.core.internal.ObjectMetrics;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.ObjectCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;
import org.apache.pekko.actor.typed.PostStop;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.internal.ObjectHandlers;
import io.durableobjects.core.internal.rpc.RpcDispatch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.slf4j.Logger;

/**
 * INTERNAL API: the object actor, one per object ID, run as a Cluster Sharding entity.
 *
 * <p>It owns the user's object instance, the input gate, the working state (committed state plus
 * writes not yet durable) and the output gate. Each request runs against the working state in its
 * own transaction; its writes become one event. The first event goes to the journal child at once;
 * events of requests that run while it is in flight are collected and written together as the
 * next batch (group commit). Replies are released only when the batch that holds the writes they
 * may have seen is durable; what leaves while a request runs (calls to other objects, replies to
 * re-entrant calls) waits in the {@link OutgoingCallGate}.
 *
 * <p><b>Input gate.</b> One request at a time, including its asynchronous continuation: while a
 * request's stage is pending, later requests are stashed. A request that does not complete within
 * the request timeout fails with 504; its writes are dropped and the instance is replaced (the
 * late continuation keeps a storage handle that no longer accepts calls).
 *
 * <p>Phases: <i>activating</i> (the journal child replays the committed state, then the constructor
 * and any {@code blockConcurrencyWhile} run; requests are stashed) and <i>running</i>. A journal
 * failure fails every waiting reply with a retryable error and activates again from the durable
 * state, so nothing that was not durable is ever visible afterwards.
 */
public final class ObjectEntity extends AbstractBehavior<ObjectCommand> {

  /** What an entity needs beyond its ID. */
  public record Config(
      NamespaceSettings namespace,
      ValueCodec codec,
      int snapshotEvery,
      int keepSnapshots,
      boolean deleteEventsOnSnapshot,
      int stashCapacity,
      long maxResponseBytes,
      Duration requestTimeout,
      IdempotencySettings idempotency,
      String journalPluginId,
      String snapshotPluginId,
      RpcDispatch rpc,
      Supplier<DurableObjects> env,
      ObjectCatalog catalog,
      ObjectMetrics metrics,
      AlarmSettings alarms,
      AlarmIndex alarmIndex,
      ObjectSockets.Limits socketLimits) {

    AlarmRules alarmRules() {
      return new AlarmRules(
          namespace.objectClass().getName(), namespace.handlesAlarms(), alarms.maxPerObject());
    }
  }

  /** A call (or the activation, when {@code call} is null) whose stage has not completed. */
  private record Pending(long token, ObjectCommand.Call call, TransactionalStorage tx) {}

  private static final String TIMEOUT_TIMER = "request-timeout";
  private static final String ALARM_TIMER = "alarm";
  /** The longest the alarm timer waits before looking again (an object is rarely active longer). */
  private static final long MAX_ALARM_TIMER_MILLIS = Duration.ofHours(1).toMillis();
  /** The most key and value bytes one inspection page holds (beyond its first entry). */
  static final long INSPECT_PAGE_BYTES = 96 * 1024;

  private final Config config;
  private final String hex;
  private final PersistenceId persistenceId;
  private final StashBuffer<ObjectCommand> stash;
  private final TimerScheduler<ObjectCommand> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Logger log;

  // Set when the object cannot start (recovery or its constructor failed): every call gets this
  // error until sharding, asked to passivate the entity, stops it. Stopping on our own instead
  // would lose the calls sharding delivers before it notices.
  private DurableObjectException brokenWith;

  private String objectName;
  private int incarnation;
  private ActorRef<ObjectJournal.Command> journal;
  private boolean activating = true;
  // Recovered, but no call has arrived yet: the instance is created with the first call, which
  // may bring the object's name (recovery can finish before sharding hands over that call).
  private boolean awaitingFirstCall;
  private boolean stopping;

  private DurableObject instance;
  private ObjectStateImpl objectState;
  private ObjectStorage storage;
  private KeyValueState working;
  private AlarmSchedule workingAlarms;
  private io.durableobjects.core.internal.storage.SocketRegistry workingSockets;
  private ObjectSockets sockets;
  private final org.apache.pekko.actor.typed.ActorRefResolver resolver;
  // Connections of sockets, resolved once; and the sockets being watched (their actor's death
  // means their gateway node or connection is gone).
  private final Map<String, ActorRef<io.durableobjects.core.internal.socket.SocketCommand>> gateways =
      new java.util.HashMap<>();
  private final java.util.Set<String> watchedSockets = new java.util.HashSet<>();
  private IdempotencyRecords remembered;
  private final AlarmIndexKeeper alarmIndex;
  // A DeliverAlarm is waiting or running (one at a time); the alarm it is delivering, once chosen.
  private boolean alarmQueued;
  private ScheduledAlarm delivering;
  private Pending pending;
  private long nextToken = 1;

  // Journal position and time of the last durable transaction, for the admin view.
  private long lastSequenceNr;
  private long lastWriteMillis;
  // What the catalog was last told (null: nothing yet); it is told again only when this changes.
  private Boolean catalogHasData;
  private final long startNanos = System.nanoTime();
  private boolean activatedOnce;
  private long flushNanos;

  private long nextBatchId = 1;
  private Batch open = new Batch(nextBatchId++);
  private Batch inFlight;
  // Holds what leaves during a request (calls out, re-entrant replies) until earlier writes are
  // durable; counts every transaction committed and confirmed.
  private final OutgoingCallGate outputGate = new OutgoingCallGate();
  // Set when the journal refused a write because another instance holds it: never recover again.
  private boolean fencedOff;

  public static Behavior<ObjectCommand> create(
      Config config,
      PersistenceId persistenceId,
      String hex,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    Behaviors.withStash(
                        config.stashCapacity(),
                        stash ->
                            new ObjectEntity(
                                ctx, stash, timers, config, persistenceId, hex, shard))));
  }

  private ObjectEntity(
      ActorContext<ObjectCommand> context,
      StashBuffer<ObjectCommand> stash,
      TimerScheduler<ObjectCommand> timers,
      Config config,
      PersistenceId persistenceId,
      String hex,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(context);
    this.shard = shard;
    this.config = config;
    this.hex = hex;
    this.persistenceId = persistenceId;
    this.stash = stash;
    this.timers = timers;
    this.log = context.getLog();
    this.resolver = org.apache.pekko.actor.typed.ActorRefResolver.get(context.getSystem());
    this.alarmIndex =
        new AlarmIndexKeeper(
            config.alarmIndex(),
            config.namespace().name(),
            hex,
            context.getSelf(),
            context.getSystem(),
            log);
    config.metrics().started();
    startJournal();
  }

  @Override
  public Receive<ObjectCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(ObjectCommand.Call.class, this::onCall)
        .onMessage(ObjectCommand.JournalRecovered.class, this::onRecovered)
        .onMessage(ObjectCommand.AsyncCompleted.class, this::onAsyncCompleted)
        .onMessage(ObjectCommand.RequestTimedOut.class, this::onRequestTimedOut)
        .onMessage(ObjectCommand.BatchPersisted.class, this::onBatchPersisted)
        .onMessage(ObjectCommand.JournalFenced.class, this::onJournalFenced)
        .onMessage(ObjectCommand.JournalStopped.class, this::onJournalStopped)
        .onMessage(ObjectCommand.WakeForAlarms.class, this::onWakeForAlarms)
        .onMessage(ObjectCommand.SocketGone.class, this::onSocketGone)
        .onMessageEquals(ObjectCommand.AlarmTimer.INSTANCE, this::onAlarmTimer)
        .onMessage(ObjectCommand.AlarmIndexCovered.class, this::onAlarmIndexCovered)
        .onMessageEquals(ObjectCommand.AlarmIndexSettled.INSTANCE, this::onAlarmIndexSettled)
        .onMessageEquals(ObjectCommand.Stop.INSTANCE, this::onStop)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<ObjectCommand> onPostStop() {
    config.metrics().stopped();
    outputGate.stopped();
    return this;
  }

  // ---- activation -------------------------------------------------------------------------

  private void startJournal() {
    incarnation++;
    activating = true;
    awaitingFirstCall = false;
    journal =
        getContext()
            .spawn(
                ObjectJournal.create(persistenceId, getContext().getSelf(), config),
                "journal-" + incarnation);
    getContext().watchWith(journal, new ObjectCommand.JournalStopped(incarnation));
  }

  private Behavior<ObjectCommand> onRecovered(ObjectCommand.JournalRecovered recovered) {
    working = recovered.state().data();
    workingAlarms = recovered.state().alarms();
    workingSockets = recovered.state().sockets();
    remembered = recovered.state().idempotency();
    watchSockets();
    lastSequenceNr = recovered.lastSequenceNr();
    lastWriteMillis = recovered.state().lastWriteMillis();
    if (!working.isEmpty()) {
      // Also repairs an entry lost to a crash between a journal write and its catalog record.
      recordInCatalog(true);
    }
    log.debug("Object {} recovered at sequence number {}", hex, recovered.lastSequenceNr());
    // Also repairs an index row lost to a crash, and removes the row the poller woke it for if
    // the alarm is gone.
    tidyAlarmIndex();
    scheduleAlarmTimer();
    if (stash.isEmpty()) {
      if (stopping) {
        return Behaviors.stopped(); // stopped while recovering, and no call waits
      }
      awaitingFirstCall = true;
      return this;
    }
    return activate();
  }

  /** Creates a fresh instance over the working state; requests stay stashed until it is ready. */
  private Behavior<ObjectCommand> activate() {
    activating = true;
    storage = new ObjectStorage(config.codec(), config.alarmRules());
    sockets = new ObjectSockets(storage, config.codec(), config.socketLimits());
    sockets.beginCall(null);
    DurableObjectId id = DurableObjectId.internalCreate(config.namespace().name(), hex, objectName);
    ObjectStateImpl state =
        new ObjectStateImpl(id, storage, config.env(), sockets, outputGate.forInstance());
    objectState = state;
    TransactionalStorage tx = storage.begin(working, workingAlarms, workingSockets);
    CompletableFuture<Void> blockers;
    try {
      instance = config.namespace().newInstance(state);
      blockers = state.endConstruction();
    } catch (Throwable t) {
      rethrowIfFatal(t);
      storage.end();
      log.error(
          "Constructor of {} failed for object {}", config.namespace().objectClass().getName(), hex, t);
      return failActivation(new ObjectFailedException("the object's constructor threw " + describe(t)));
    }
    if (blockers.isDone()) {
      storage.end();
      return finishActivation(tx, failureOf(blockers));
    }
    pending = new Pending(nextToken++, null, tx);
    awaitCompletion(pending.token(), blockers.thenApply(v -> null));
    return this;
  }

  private Behavior<ObjectCommand> finishActivation(TransactionalStorage tx, Throwable failure) {
    if (failure != null) {
      log.error("blockConcurrencyWhile failed for object {}", hex, failure);
      return failActivation(
          new ObjectFailedException("the object's blockConcurrencyWhile failed: " + describe(failure)));
    }
    if (tx.hasChanges()) {
      commit(tx, tx.toEvent());
    }
    activating = false;
    if (!activatedOnce) {
      activatedOnce = true;
      config.metrics().activated(startNanos);
    }
    return afterRequest();
  }

  /** The object cannot start: fail what waits, answer calls with the error, ask to be stopped. */
  private Behavior<ObjectCommand> failActivation(DurableObjectException error) {
    failStashed(error);
    outputGate.retire(error); // calls its blockConcurrencyWhile made do not leave either
    if (stopping) {
      return Behaviors.stopped(); // sharding already asked; it would not ask again
    }
    brokenWith = error;
    shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
    return this;
  }

  // ---- requests ---------------------------------------------------------------------------

  private Behavior<ObjectCommand> onCall(ObjectCommand.Call call) {
    if (brokenWith != null) {
      call.replyTo().tell(FetchReply.Failed.of(brokenWith));
      return this;
    }
    learnName(call.objectName());
    if (pending != null
        && pending.call() != null
        && call.callChain().contains(chainLink(pending.token()))) {
      reenter(call);
      return this;
    }
    if (awaitingFirstCall) {
      awaitingFirstCall = false;
      stash.stash(call);
      return activate();
    }
    if (activating || pending != null) {
      if (stash.isFull()) {
        call
            .replyTo()
            .tell(
                FetchReply.Failed.of(
                    new ObjectUnavailableException("the object has too many waiting requests")));
      } else {
        stash.stash(call);
      }
      return this;
    }
    start(call);
    return this;
  }

  private void learnName(String name) {
    if (objectName == null
        && name != null
        && ObjectIds.fromName(config.namespace().name(), name).equals(hex)) {
      objectName = name;
    }
  }

  private void start(ObjectCommand.Call call) {
    String idempotencyKey = idempotencyKeyOf(call);
    if (idempotencyKey != null) {
      String problem = IdempotencyKeys.problem(idempotencyKey);
      if (problem != null) {
        replyFailure(call, new DurableObjectException(400, "invalid_idempotency_key", problem));
        return;
      }
      Optional<IdempotencyRecords.Remembered> earlier =
          remembered.get(idempotencyKey, System.currentTimeMillis());
      if (earlier.isPresent()) {
        // Already applied: answer as the first time, once what it answered is durable.
        releaseInOrder(new Batch.PendingReply(call.replyTo(), replay(call, earlier.get())));
        return;
      }
    }
    TransactionalStorage tx = storage.begin(working, workingAlarms, workingSockets);
    sockets.beginCall(
        call instanceof ObjectCommand.Upgrade upgrade
            ? new ObjectSockets.PendingUpgrade(upgrade, resolver.toSerializationFormat(upgrade.socket()))
            : null);
    long token = nextToken++;
    objectState.callChain(append(call.callChain(), chainLink(token)));
    CompletableFuture<FetchReply> future;
    try {
      if (call instanceof ObjectCommand.Admin admin) {
        future = CompletableFuture.completedFuture(runAdmin(admin, tx));
      } else if (call instanceof ObjectCommand.DeliverAlarm) {
        future = runAlarm(tx);
      } else if (call instanceof ObjectCommand.SocketEvent event) {
        future = runSocketEvent(event, tx);
      } else {
        future = run(call);
      }
    } catch (Throwable t) {
      rethrowIfFatal(t);
      storage.end(); // the transaction is simply dropped: the working state is as before
      finish(call, tx, null, t);
      return;
    }
    if (future.isDone()) {
      storage.end();
      Throwable failure = failureOf(future);
      finish(call, tx, failure == null ? future.getNow(null) : null, failure);
      return;
    }
    pending = new Pending(token, call, tx);
    awaitCompletion(pending.token(), future);
  }

  /**
   * A call from the chain the running request is waiting on (A calls B, B calls A): it runs now,
   * inside the running request's transaction, instead of queueing behind the request that waits
   * for it. If it fails before it returns its stage, its writes are undone. Its reply passes the
   * output gate (every transaction committed before it durable); the running transaction's writes,
   * its own included, commit only when the outer request ends, so the reply cannot wait for them.
   */
  private void reenter(ObjectCommand.Call call) {
    OutgoingCallGate.Instance gate = objectState.outputGate();
    CompletableFuture<FetchReply> future;
    try {
      future =
          pending
              .tx()
              .transaction(
                  ignored -> {
                    CompletableFuture<FetchReply> f;
                    try {
                      f = run(call);
                    } catch (RuntimeException e) {
                      throw e;
                    } catch (Exception e) {
                      throw new CompletionException(e);
                    }
                    if (f.isCompletedExceptionally()) {
                      f.join(); // throws, which undoes the call's writes
                    }
                    return f;
                  });
    } catch (Throwable t) {
      rethrowIfFatal(t);
      gate.reply(call.replyTo(), failureReply(call, unwrap(t)));
      return;
    }
    future.whenComplete(
        (reply, failure) ->
            gate.reply(
                call.replyTo(), failure != null ? failureReply(call, unwrap(failure)) : reply));
  }

  /**
   * Delivers the next due alarm, if there still is one when this call's turn comes: it is removed
   * in the call's transaction (so a handler that sets it again re-arms it), then the handler runs.
   */
  private CompletableFuture<FetchReply> runAlarm(TransactionalStorage tx) throws Exception {
    long now = System.currentTimeMillis();
    Optional<ScheduledAlarm> next = tx.resultAlarms().next();
    if (next.isEmpty() || next.get().dueMillis() > now) {
      return CompletableFuture.completedFuture(ALARM_DELIVERED); // deleted or moved meanwhile
    }
    ScheduledAlarm alarm = next.get();
    delivering = alarm;
    tx.removeAlarm(alarm.name());
    if (alarm.retryCount() == 0) {
      config.metrics().alarmLag(now - alarm.scheduledMillis());
    }
    AlarmInfo info =
        new AlarmInfo(alarm.name(), Instant.ofEpochMilli(alarm.scheduledMillis()), alarm.retryCount());
    return ObjectHandlers.alarm(instance, info).thenApply(v -> ALARM_DELIVERED);
  }

  private static final FetchReply ALARM_DELIVERED = new FetchReply.Ok(Response.status(204));
  private static final FetchReply SOCKET_EVENT_DONE = new FetchReply.Ok(Response.status(204));
  private static final FetchReply UPGRADE_ACCEPTED = new FetchReply.Ok(Response.status(101));

  /** Runs the object's callback for something that happened on one of its sockets. */
  private CompletableFuture<FetchReply> runSocketEvent(
      ObjectCommand.SocketEvent event, TransactionalStorage tx) throws Exception {
    Optional<io.durableobjects.core.WebSocket> socket = sockets.handle(tx, event.socketId());
    if (socket.isEmpty()) {
      return CompletableFuture.completedFuture(SOCKET_EVENT_DONE); // the object closed it already
    }
    switch (event.kind()) {
      case MESSAGE ->
          instance.webSocketMessage(
              socket.get(),
              event.data() != null
                  ? io.durableobjects.core.WebSocketMessage.binary(event.data())
                  : io.durableobjects.core.WebSocketMessage.text(event.text()));
      case CLOSE -> {
        // The handle still reads its attachment in the callback; the list no longer has it.
        sockets.closing(event.socketId());
        instance.webSocketClose(
            socket.get(), event.code(), event.text() == null ? "" : event.text(), event.code() != 1006);
        tx.removeSocket(event.socketId());
      }
      case ERROR -> instance.webSocketError(socket.get(), event.text() == null ? "" : event.text());
    }
    return CompletableFuture.completedFuture(SOCKET_EVENT_DONE);
  }

  /** A socket's close callback failed: its writes are dropped, but the socket is forgotten. */
  private void socketCloseFailed(ObjectCommand.SocketEvent event, Throwable failure) {
    log.warn("Object {}: webSocketClose of socket {} failed", hex, event.socketId(), failure);
    TransactionalStorage tx = storage.detached(working, workingAlarms, workingSockets);
    if (tx.removeSocket(event.socketId())) {
      commit(tx, tx.toEvent());
    }
  }

  private Behavior<ObjectCommand> onSocketGone(ObjectCommand.SocketGone gone) {
    watchedSockets.remove(gone.socketId());
    gateways.remove(gone.socketId());
    if (workingSockets == null
        || workingSockets.get(gone.socketId()).isEmpty()
        || brokenWith != null
        || stopping) {
      return this;
    }
    // The connection is gone without a close from the client (its node died): tell the object.
    return onCall(
        new ObjectCommand.SocketEvent(
            null,
            gone.socketId(),
            ObjectCommand.SocketEventKind.CLOSE,
            "the connection was lost",
            null,
            1006,
            getContext().getSystem().ignoreRef()));
  }

  /** Watches the connections of the sockets the object holds and does not watch yet. */
  private void watchSockets() {
    if (workingSockets == null) {
      return;
    }
    for (io.durableobjects.core.internal.storage.SocketRecord record : workingSockets.all()) {
      if (watchedSockets.add(record.id())) {
        getContext().watchWith(gateway(record.id(), record.gateway()), new ObjectCommand.SocketGone(record.id()));
      }
    }
  }

  private ActorRef<io.durableobjects.core.internal.socket.SocketCommand> gateway(String id, String serialized) {
    return gateways.computeIfAbsent(id, ignored -> resolver.resolveActorRef(serialized));
  }

  /** The socket commands a call made, as effects the output gate releases. */
  private List<Runnable> effectsOf(TransactionalStorage tx) {
    List<io.durableobjects.core.internal.socket.OutgoingFrame> frames = tx.outbox();
    if (frames.isEmpty()) {
      return List.of();
    }
    List<Runnable> effects = new ArrayList<>(frames.size());
    for (io.durableobjects.core.internal.socket.OutgoingFrame frame : frames) {
      ActorRef<io.durableobjects.core.internal.socket.SocketCommand> target =
          gateway(frame.socketId(), frame.gateway());
      effects.add(() -> target.tell(frame.command()));
    }
    return effects;
  }

  /**
   * The handler of the alarm being delivered failed: its writes are already dropped; the alarm is
   * kept for a retry after a growing delay, or dropped after the last one, in a transaction of the
   * runtime's own.
   */
  private void alarmFailed(Throwable failure) {
    ScheduledAlarm failed = delivering;
    delivering = null;
    if (failed == null) {
      return;
    }
    TransactionalStorage tx = storage.detached(working, workingAlarms);
    int retry = failed.retryCount() + 1;
    AlarmSettings settings = config.alarms();
    if (retry > settings.maxRetries()) {
      tx.removeAlarm(failed.name());
      config.metrics().alarmDropped();
      log.error(
          "Alarm '{}' of object {} (scheduled for {}) failed {} times and is dropped; last failure:",
          failed.name(),
          hex,
          Instant.ofEpochMilli(failed.scheduledMillis()),
          retry,
          failure);
    } else {
      Duration delay = settings.retryDelay(retry);
      tx.putAlarm(failed.retriedAt(System.currentTimeMillis() + delay.toMillis()));
      config.metrics().alarmRetried();
      log.warn(
          "Alarm '{}' of object {} failed; retry {} of {} in {}:",
          failed.name(),
          hex,
          retry,
          settings.maxRetries(),
          delay,
          failure);
    }
    commit(tx, tx.toEvent());
  }

  /** Adds a transaction to the next batch: the working state moves on; the journal write follows. */
  private void commit(TransactionalStorage tx, TransactionCommitted event) {
    working = tx.result();
    workingAlarms = tx.resultAlarms();
    workingSockets = tx.resultSockets();
    if (!event.socketChanges().isEmpty()) {
      watchSockets();
    }
    open.events.add(stamped(event));
    outputGate.committed();
    if (inFlight == null) {
      flush();
    }
  }

  // ---- alarms -----------------------------------------------------------------------------

  /** Sets the alarm timer for the next alarm, unless one is queued or there is none. */
  private void scheduleAlarmTimer() {
    Optional<ScheduledAlarm> next =
        workingAlarms == null ? Optional.empty() : workingAlarms.next();
    if (next.isEmpty() || alarmQueued || brokenWith != null) {
      timers.cancel(ALARM_TIMER);
      return;
    }
    long delay = Math.max(0, next.get().dueMillis() - System.currentTimeMillis());
    timers.startSingleTimer(
        ALARM_TIMER,
        ObjectCommand.AlarmTimer.INSTANCE,
        Duration.ofMillis(Math.min(delay, MAX_ALARM_TIMER_MILLIS)));
  }

  private Behavior<ObjectCommand> onAlarmTimer() {
    if (workingAlarms == null || alarmQueued || brokenWith != null || stopping) {
      return this;
    }
    Optional<ScheduledAlarm> next = workingAlarms.next();
    if (next.isEmpty()) {
      return this;
    }
    if (next.get().dueMillis() > System.currentTimeMillis()) {
      scheduleAlarmTimer();
      return this;
    }
    if (stash.isFull()) {
      timers.startSingleTimer(ALARM_TIMER, ObjectCommand.AlarmTimer.INSTANCE, Duration.ofSeconds(1));
      return this; // requests come first; the alarm is delivered once there is room to queue it
    }
    alarmQueued = true;
    // Takes its turn through the input gate like a request (and activates the object if needed).
    return onCall(new ObjectCommand.DeliverAlarm(getContext().getSystem().ignoreRef()));
  }

  private Behavior<ObjectCommand> onWakeForAlarms(ObjectCommand.WakeForAlarms wake) {
    learnName(wake.objectName());
    alarmIndex.known(wake.dueMillis());
    if (working != null && brokenWith == null) {
      tidyAlarmIndex();
      scheduleAlarmTimer();
    } // else: recovering; recovery tidies and sets the timer
    return this;
  }

  /** Leaves the index with the row of the earliest alarm, when the working state is durable. */
  private void tidyAlarmIndex() {
    if (inFlight != null || open.hasEvents() || workingAlarms == null) {
      return;
    }
    alarmIndex.tidy(workingAlarms.next().map(ScheduledAlarm::dueMillis), objectName);
  }

  private Behavior<ObjectCommand> onAlarmIndexCovered(ObjectCommand.AlarmIndexCovered covered) {
    if (inFlight == null || inFlight.id != covered.batchId()) {
      return this;
    }
    if (covered.failure() != null) {
      // Not acknowledged: fail the batch like a journal failure and recover from what is durable
      // (which writes the row again).
      log.error(
          "Object {}: the alarm index did not take the row of its next alarm; failing the batch",
          hex);
      alarmIndex.forget();
      getContext().stop(journal);
      return this;
    }
    inFlight.indexPending = false;
    return completeInFlightIfDurable();
  }

  private Behavior<ObjectCommand> onAlarmIndexSettled() {
    alarmIndex.settled();
    if (readyToStop(stopping)) {
      return Behaviors.stopped();
    }
    return this;
  }

  /** An operator's call, against the request's transaction like the object's own code. */
  private FetchReply runAdmin(ObjectCommand.Admin admin, TransactionalStorage tx) {
    if (admin.operation() == ObjectCommand.AdminOperation.DELETE_ALL) {
      int keys = working.size();
      tx.deleteAll();
      log.info("Object {} deleted all {} keys on an operator's request", hex, keys);
      return new FetchReply.Deleted(keys);
    }
    List<String> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    Iterator<Map.Entry<String, byte[]>> it = working.scan(admin.afterKey(), false, null, false);
    long pageBytes = 0;
    // A page also ends at INSPECT_PAGE_BYTES, so that the reply fits one remoting frame (Artery's
    // default is 256 KiB) when the caller is on another node: at least one entry, whatever its size.
    while (it.hasNext() && keys.size() < admin.limit() && pageBytes < INSPECT_PAGE_BYTES) {
      Map.Entry<String, byte[]> entry = it.next();
      keys.add(entry.getKey());
      values.add(entry.getValue());
      pageBytes += entry.getKey().length() * 3L + entry.getValue().length;
    }
    String nextCursor = it.hasNext() ? keys.get(keys.size() - 1) : null;
    // Counts what the reply may reveal: writes not yet durable are held by the output gate.
    long sequenceNr =
        lastSequenceNr + open.events.size() + (inFlight == null ? 0 : inFlight.events.size());
    return new FetchReply.Inspected(
        objectName,
        working.size(),
        working.bytes(),
        sequenceNr,
        lastWriteMillis,
        keys,
        values,
        nextCursor,
        workingAlarms.all());
  }

  private TransactionCommitted stamped(TransactionCommitted event) {
    lastWriteMillis = System.currentTimeMillis();
    return event.withCommittedAt(lastWriteMillis);
  }

  private void recordInCatalog(boolean hasData) {
    if (Boolean.valueOf(hasData).equals(catalogHasData) || catalogHasData == null && !hasData) {
      return; // unchanged, or an object that never held data (it stays out of the catalog)
    }
    catalogHasData = hasData;
    CatalogEntry entry =
        new CatalogEntry(
            config.namespace().name(), hex, Optional.ofNullable(objectName), hasData, Instant.now());
    config
        .catalog()
        .record(entry)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn("Could not record object {} in the catalog: {}", hex, failure.toString());
              }
            });
  }

  private String chainLink(long token) {
    return persistenceId.id() + "#" + token;
  }

  private static List<String> append(List<String> chain, String link) {
    List<String> longer = new java.util.ArrayList<>(chain.size() + 1);
    longer.addAll(chain);
    longer.add(link);
    return List.copyOf(longer);
  }

  /** Runs the user's code for a call; the result is the reply to send once it is durable. */
  private CompletableFuture<FetchReply> run(ObjectCommand.Call call) throws Exception {
    if (call instanceof ObjectCommand.Invoke invoke) {
      return config.rpc().invoke(instance, invoke);
    }
    Request request =
        call instanceof ObjectCommand.Upgrade upgrade
            ? upgrade.request()
            : ((ObjectCommand.Fetch) call).request();
    return ObjectHandlers.fetch(instance, request).thenApply(FetchReply.Ok::new);
  }

  private void awaitCompletion(long token, CompletableFuture<? extends FetchReply> future) {
    timers.startSingleTimer(
        TIMEOUT_TIMER, new ObjectCommand.RequestTimedOut(token), config.requestTimeout());
    ActorRef<ObjectCommand> self = getContext().getSelf();
    future.whenComplete(
        (reply, failure) ->
            self.tell(new ObjectCommand.AsyncCompleted(token, reply, unwrap(failure))));
  }

  private Behavior<ObjectCommand> onAsyncCompleted(ObjectCommand.AsyncCompleted completed) {
    if (pending == null || pending.token() != completed.token()) {
      return this; // a continuation that already timed out
    }
    timers.cancel(TIMEOUT_TIMER);
    Pending done = pending;
    pending = null;
    storage.end();
    if (done.call() == null) {
      return finishActivation(done.tx(), completed.failure());
    }
    finish(done.call(), done.tx(), completed.reply(), completed.failure());
    return afterRequest();
  }

  private Behavior<ObjectCommand> onRequestTimedOut(ObjectCommand.RequestTimedOut timedOut) {
    if (pending == null || pending.token() != timedOut.token()) {
      return this;
    }
    Pending late = pending;
    pending = null;
    storage.end(); // the old instance's storage handle is never used again
    // Nor may it send anything: its calls out and re-entrant replies waiting to leave fail.
    outputGate.retire(
        new ObjectUnavailableException(
            "the request that made this call did not finish within "
                + config.requestTimeout()
                + "; the call was not sent"));
    if (late.call() == null) {
      log.error("Activation of object {} did not finish within {}", hex, config.requestTimeout());
      return failActivation(
          new ObjectUnavailableException(
              "the object's blockConcurrencyWhile did not finish within " + config.requestTimeout()));
    }
    log.warn(
        "Object {} did not answer {} within {}; its instance is replaced",
        hex,
        late.call(),
        config.requestTimeout());
    ObjectTimeoutException timeout =
        new ObjectTimeoutException(
            "the object did not answer within " + config.requestTimeout() + "; the request was not applied");
    finish(late.call(), late.tx(), null, timeout);
    instance = null;
    return activate();
  }

  private void finish(
      ObjectCommand.Call call, TransactionalStorage tx, FetchReply success, Throwable failure) {
    if (failure != null
        && call instanceof ObjectCommand.SocketEvent event
        && event.kind() == ObjectCommand.SocketEventKind.CLOSE) {
      socketCloseFailed(event, failure);
    }
    if (failure == null && call instanceof ObjectCommand.Upgrade) {
      if (sockets.accepted()) {
        success = UPGRADE_ACCEPTED;
      } else if (success instanceof FetchReply.Ok ok && ok.response().status() == 101) {
        failure =
            new ObjectFailedException(
                "the object answered 101 without accepting the WebSocket (state.acceptWebSocket)");
      }
    }
    if (call instanceof ObjectCommand.DeliverAlarm) {
      alarmQueued = false;
      if (failure != null) {
        alarmFailed(failure);
      } else if (delivering != null) {
        delivering = null;
        config.metrics().alarmFired();
      }
    }
    finishCall(call, tx, success, failure);
    scheduleAlarmTimer();
  }

  private void finishCall(
      ObjectCommand.Call call, TransactionalStorage tx, FetchReply success, Throwable failure) {
    if (failure != null && call instanceof ObjectCommand.DeliverAlarm) {
      return; // logged with its retry; nobody waits for a reply
    }
    if (failure == null && replyBytes(success) > config.maxResponseBytes()) {
      // Refused like an exception: the request's writes are dropped, the caller learns why.
      failure =
          new DurableObjectException(
              500,
              "response_too_large",
              "the object answered with "
                  + replyBytes(success)
                  + " bytes; the limit is "
                  + config.maxResponseBytes()
                  + " (durable-objects.entity.max-response-size); the request's writes were not"
                  + " applied");
    }
    if (failure != null) {
      replyFailure(call, failure);
      return;
    }
    Batch.PendingReply reply = new Batch.PendingReply(call.replyTo(), success);
    TransactionCommitted event = tx.hasChanges() ? tx.toEvent() : null;
    IdempotencyRecords.Remembered record = rememberable(call, success);
    if (record != null) {
      event = (event == null ? new TransactionCommitted(List.of()) : event).withRemembered(record);
      remembered = remembered.remember(record);
    }
    if (event != null) {
      int alarmsSet = 0;
      for (TransactionCommitted.AlarmChange change : event.alarmChanges()) {
        alarmsSet += change.isDelete() ? 0 : 1;
      }
      if (alarmsSet > 0) {
        config.metrics().alarmsScheduled(alarmsSet);
      }
      open.effects.addAll(effectsOf(tx));
      open.waiters.add(reply);
      commit(tx, event);
    } else {
      // It may have read writes that are not durable yet: its commands and reply wait for them.
      releaseInOrder(effectsOf(tx), reply);
    }
  }

  private void replyFailure(ObjectCommand.Call call, Throwable t) {
    // A failure reveals nothing unconfirmed, but keep replies in order behind pending ones.
    releaseInOrder(new Batch.PendingReply(call.replyTo(), failureReply(call, t)));
  }

  private FetchReply failureReply(ObjectCommand.Call call, Throwable t) {
    DurableObjectException error;
    if (t instanceof DurableObjectException e) {
      error = e;
      log.info("Object {} refused {}: {}", hex, call, e.getMessage());
    } else {
      error = new ObjectFailedException("the object's code threw " + describe(t));
      log.warn("Object {} failed to handle {}", hex, call, t);
    }
    return FetchReply.Failed.of(error);
  }

  private void releaseInOrder(Batch.PendingReply reply) {
    releaseInOrder(List.of(), reply);
  }

  private void releaseInOrder(List<Runnable> effects, Batch.PendingReply reply) {
    if (open.hasEvents()) {
      open.effects.addAll(effects);
      open.waiters.add(reply);
    } else if (inFlight != null) {
      inFlight.effects.addAll(effects);
      inFlight.waiters.add(reply);
    } else {
      effects.forEach(Runnable::run);
      reply.send();
    }
  }

  private Behavior<ObjectCommand> afterRequest() {
    if (readyToStop(stopping)) {
      return Behaviors.stopped();
    }
    return stash.unstashAll(this);
  }

  // ---- journal ----------------------------------------------------------------------------

  private void flush() {
    flushNanos = System.nanoTime();
    inFlight = open;
    open = new Batch(nextBatchId++);
    // The working state is now exactly what this batch makes durable: if it brings the earliest
    // alarm forward, the index must have its row before the batch is acknowledged.
    Optional<ScheduledAlarm> next = workingAlarms.next();
    if (next.isPresent()) {
      CompletionStage<org.apache.pekko.Done> covered =
          alarmIndex.cover(next.get().dueMillis(), objectName);
      if (covered != null) {
        inFlight.indexPending = true;
        long batchId = inFlight.id;
        ActorRef<ObjectCommand> self = getContext().getSelf();
        covered.whenComplete(
            (done, failure) -> self.tell(new ObjectCommand.AlarmIndexCovered(batchId, failure)));
      }
    }
    journal.tell(new ObjectJournal.PersistBatch(inFlight.id, inFlight.events));
  }

  private Behavior<ObjectCommand> onBatchPersisted(ObjectCommand.BatchPersisted persisted) {
    if (inFlight == null || inFlight.id != persisted.batchId()) {
      return this; // from a journal incarnation that has been replaced
    }
    config.metrics().journalWritten(flushNanos, inFlight.events.size());
    inFlight.journalDone = true;
    inFlight.lastSequenceNr = persisted.lastSequenceNr();
    return completeInFlightIfDurable();
  }

  /** Releases the batch in flight once the journal and the alarm index both have it. */
  private Behavior<ObjectCommand> completeInFlightIfDurable() {
    if (!inFlight.journalDone || inFlight.indexPending) {
      return this;
    }
    inFlight.release();
    outputGate.durable(inFlight.events.size());
    lastSequenceNr = inFlight.lastSequenceNr;
    inFlight = null;
    if (!open.hasEvents()) {
      recordInCatalog(!working.isEmpty()); // working is now exactly the durable state
      tidyAlarmIndex();
    }
    if (open.hasEvents()) {
      flush();
    }
    if (readyToStop(stopping)) {
      return Behaviors.stopped();
    }
    return this;
  }

  private Behavior<ObjectCommand> onJournalFenced(ObjectCommand.JournalFenced fenced) {
    log.warn(
        "Object {} was taken over by another instance (this node was presumed failed); this"
            + " instance stops: {}",
        hex,
        fenced.reason());
    fencedOff = true;
    return this;
  }

  private Behavior<ObjectCommand> onJournalStopped(ObjectCommand.JournalStopped stopped) {
    if (stopped.incarnation() != incarnation) {
      return this;
    }
    boolean recovering = activating && working == null;
    ObjectUnavailableException error =
        new ObjectUnavailableException(
            fencedOff
                ? "the object moved to another node while this one was presumed failed; its write"
                    + " was not applied, retry"
                : recovering
                    ? "the object's state could not be recovered from the journal; retry later"
                    : "the object's journal did not confirm the write; it was not acknowledged,"
                        + " retry later");
    FetchReply reply = FetchReply.Failed.of(error);
    if (recovering) {
      log.error("Recovery of object {} failed; it answers 503 until it is stopped", hex);
      return failActivation(error);
    }
    log.error("Journal of object {} failed; failing waiting requests and recovering again", hex);
    outputGate.writeFailed(error);
    if (inFlight != null) {
      inFlight.waiters.forEach(w -> w.replyTo().tell(reply));
    }
    open.waiters.forEach(w -> w.replyTo().tell(reply));
    if (pending != null) {
      timers.cancel(TIMEOUT_TIMER);
      storage.end();
      if (pending.call() != null) {
        pending.call().replyTo().tell(reply);
      }
      pending = null;
    }
    inFlight = null;
    open = new Batch(nextBatchId++);
    instance = null;
    working = null;
    workingAlarms = null;
    workingSockets = null;
    remembered = null;
    alarmQueued = false;
    delivering = null;
    timers.cancel(ALARM_TIMER);
    if (stopping) {
      failStashed(error);
      return Behaviors.stopped();
    }
    if (fencedOff) {
      // Recovering here would take the journal back from the instance that replaced this one;
      // this one stops instead, and a later call starts a fresh one wherever sharding says.
      return failActivation(error);
    }
    startJournal();
    return this;
  }

  // ---- passivation ------------------------------------------------------------------------

  private Behavior<ObjectCommand> onStop() {
    config.metrics().evicted();
    if (brokenWith != null) {
      return Behaviors.stopped();
    }
    if (readyToStop(true)) {
      return Behaviors.stopped();
    }
    // Finish activation, the request and the writes in flight, and the calls waiting behind them,
    // first: their callers get answers instead of timeouts, and a hand-over to another node
    // (rolling restart) fails no request. Sharding sends this entity nothing new meanwhile.
    stopping = true;
    return this;
  }

  /** Whether a stopping object has nothing left to do: no work, no write, no waiting call. */
  private boolean readyToStop(boolean stopRequested) {
    return stopRequested && (!activating || awaitingFirstCall) && isIdle() && stash.isEmpty();
  }

  private boolean isIdle() {
    return pending == null && inFlight == null && open.isEmpty() && !alarmIndex.busy();
  }

  private void failStashed(DurableObjectException error) {
    FetchReply reply = FetchReply.Failed.of(error);
    stash.forEach(
        message -> {
          if (message instanceof ObjectCommand.Call call) {
            call.replyTo().tell(reply);
          }
        });
    stash.clear();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static String idempotencyKeyOf(ObjectCommand.Call call) {
    if (call instanceof ObjectCommand.Invoke invoke) {
      return invoke.idempotencyKey();
    }
    if (call instanceof ObjectCommand.Fetch fetch) {
      return fetch.request().header(IdempotencyKeys.HEADER).orElse(null);
    }
    return null;
  }

  // An RPC result is remembered as a response: 200 with the JSON result, or 204 for null.
  private static FetchReply replay(ObjectCommand.Call call, IdempotencyRecords.Remembered earlier) {
    Response response = earlier.response();
    if (call instanceof ObjectCommand.Invoke) {
      return new FetchReply.Returned(response.status() == 204 ? null : response.body());
    }
    return new FetchReply.Ok(response.withHeader("Idempotent-Replayed", "true"));
  }

  /** The size of what the caller gets: a response's body or an RPC's result (admin replies: 0). */
  private static long replyBytes(FetchReply success) {
    if (success instanceof FetchReply.Ok ok) {
      return ok.response().bodyLength();
    }
    if (success instanceof FetchReply.Returned returned) {
      return returned.value() == null ? 0 : returned.value().length;
    }
    return 0;
  }

  private static Response asResponse(FetchReply success) {
    if (success instanceof FetchReply.Ok ok) {
      return ok.response();
    }
    byte[] value = ((FetchReply.Returned) success).value();
    return value == null ? Response.status(204) : Response.bytes(value);
  }

  /** The record that makes a retry of {@code call} get {@code success} again, if it needs one. */
  private IdempotencyRecords.Remembered rememberable(ObjectCommand.Call call, FetchReply success) {
    String key = idempotencyKeyOf(call);
    if (key == null) {
      return null;
    }
    Response response = asResponse(success);
    IdempotencySettings settings = config.idempotency();
    if (response.bodyLength() > settings.maxResponseBytes()) {
      log.debug("Response to idempotency key {} is too large to remember", key);
      return null;
    }
    return new IdempotencyRecords.Remembered(
        key,
        System.currentTimeMillis(),
        settings.retention().toMillis(),
        settings.maxKeys(),
        response);
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    if (!future.isCompletedExceptionally()) {
      return null;
    }
    try {
      future.join();
      return null;
    } catch (CompletionException e) {
      return unwrap(e);
    } catch (RuntimeException e) {
      return e; // cancelled
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getName() + (message == null ? "" : ": " + message);
  }

  private static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError error) {
      throw error;
    }
  }
}
