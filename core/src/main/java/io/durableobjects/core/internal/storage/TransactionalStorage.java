package io.durableobjects.core.internal.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * INTERNAL API: the {@link Storage} an object uses while it handles one request.
 *
 * <p>Reads see the working state plus this request's own writes. Writes update a private version of
 * the state and are recorded as changes (per key, the last value or a deletion, and whether the
 * request deleted all keys first); nothing is visible outside until the runtime takes the {@link
 * #result()} and the {@link #toEvent()} after the handler returned. If the handler throws, the
 * runtime just drops this instance: rollback is free.
 *
 * <p>Alarms are part of the transaction like keys: set, deleted and rolled back with them; {@link
 * #deleteAll()} removes them too.
 *
 * <p>Invariant: applying {@link #toEvent()} to the state this transaction started from gives {@link
 * #result()}.
 *
 * <p>A nested {@link #transaction} takes a savepoint in O(1) — the state and the change set are
 * both persistent maps — and restores it if its body throws.
 *
 * <p>Reads are {@link StorageReads}'; what the transaction does to alarms and sockets is kept by
 * {@link AlarmChanges} and {@link SocketChanges}.
 *
 * <p>Not thread-safe: the object's input gate runs one request at a time.
 */
public final class TransactionalStorage implements Storage {
  private static final scala.collection.immutable.TreeMap<String, byte[]> NO_CHANGES =
      new scala.collection.immutable.TreeMap<>(KeyValueState.ORDERING);

  private final ValueCodec codec;
  private final StorageReads reads;
  private final SizeLimits limits;
  private final AlarmRules alarmRules;
  // What the object's idempotency records take in its snapshot: they change only after the call.
  private final long rememberedBytes;
  private KeyValueState state;
  private final AlarmChanges alarms;
  private final SocketChanges sockets;

  /** The value each written key ends with, {@code null} for a deleted key; in UTF-8 key order. */
  private scala.collection.immutable.TreeMap<String, byte[]> changes = NO_CHANGES;

  /** Whether the changes apply to an empty state rather than to the state this started from. */
  private boolean deleteAll;

  /** A transaction over data and alarms. */
  public TransactionalStorage(
      KeyValueState state,
      AlarmSchedule alarms,
      ValueCodec codec,
      long maxObjectBytes,
      AlarmRules alarmRules) {
    this(state, alarms, SocketRegistry.empty(), 0, codec, maxObjectBytes, alarmRules);
  }

  /**
   * A transaction over data, alarms and sockets of an object whose idempotency records take {@code
   * rememberedBytes} in its snapshot (they count against {@code max-snapshot-size} too).
   */
  public TransactionalStorage(
      KeyValueState state,
      AlarmSchedule alarms,
      SocketRegistry sockets,
      long rememberedBytes,
      ValueCodec codec,
      long maxObjectBytes,
      AlarmRules alarmRules) {
    this.state = state;
    this.alarms = new AlarmChanges(alarms);
    this.sockets = new SocketChanges(sockets);
    this.rememberedBytes = rememberedBytes;
    this.codec = codec;
    this.reads = new StorageReads(codec);
    this.limits = new SizeLimits(maxObjectBytes, codec.settings().maxSnapshotBytes());
    this.alarmRules = alarmRules;
  }

  // ---- reads (StorageReads) -------------------------------------------------------------

  @Override
  public <T> Optional<T> get(String key, Class<T> type) {
    return get(key, type == null ? null : codec.typeOf(type));
  }

  @Override
  public <T> Optional<T> get(String key, TypeReference<T> type) {
    return get(key, type == null ? null : codec.typeOf(type));
  }

  private <T> Optional<T> get(String key, JavaType type) {
    Keys.validate(key);
    if (type == null) {
      throw new StorageException("the type to read key '" + key + "' as must not be null");
    }
    return reads.get(state, key, type);
  }

  @Override
  public <T> Map<String, T> get(Collection<String> keys, Class<T> type) {
    return reads.get(state, keys, codec.typeOf(type));
  }

  @Override
  public <T> Map<String, T> get(Collection<String> keys, TypeReference<T> type) {
    return reads.get(state, keys, codec.typeOf(type));
  }

  @Override
  public <T> Map<String, T> list(ListOptions options, Class<T> type) {
    return list(options, type == null ? null : codec.typeOf(type));
  }

  @Override
  public <T> Map<String, T> list(ListOptions options, TypeReference<T> type) {
    return list(options, type == null ? null : codec.typeOf(type));
  }

  private <T> Map<String, T> list(ListOptions options, JavaType type) {
    if (options == null) {
      throw new StorageException("list options must not be null; use ListOptions.all()");
    }
    if (type == null) {
      throw new StorageException("the type to list values as must not be null");
    }
    return reads.list(state, options, type);
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public void put(String key, Object value) {
    Keys.validate(key);
    putEncoded(key, codec.encode(key, value));
  }

  /** Stores a value encoded already (an earlier state restored), with the checks of a put. */
  public void putEncoded(String key, byte[] encoded) {
    KeyValueState next = state.put(key, encoded);
    limits.checkData(state, next, "storing key '" + key + "'");
    limits.check(size(), sizeWith(next), "storing key '" + key + "'");
    state = next;
    changes = changes.updated(key, encoded);
  }

  @Override
  public void put(Map<String, ?> entries) {
    if (entries == null) {
      throw new StorageException("the entries to store must not be null");
    }
    // Validate and encode everything before writing anything.
    List<String> keys = new ArrayList<>(entries.size());
    List<byte[]> values = new ArrayList<>(entries.size());
    for (Map.Entry<String, ?> entry : entries.entrySet()) {
      String key = Keys.validate(entry.getKey());
      keys.add(key);
      values.add(codec.encode(key, entry.getValue()));
    }
    KeyValueState next = state;
    scala.collection.immutable.TreeMap<String, byte[]> nextChanges = changes;
    for (int i = 0; i < keys.size(); i++) {
      next = next.put(keys.get(i), values.get(i));
      nextChanges = nextChanges.updated(keys.get(i), values.get(i));
    }
    String what =
        keys.size() == 1
            ? "storing key '" + keys.get(0) + "'"
            : "storing these " + keys.size() + " entries";
    limits.checkData(state, next, what);
    limits.check(size(), sizeWith(next), what);
    state = next;
    changes = nextChanges;
  }

  @Override
  public boolean delete(String key) {
    Keys.validate(key);
    if (!state.contains(key)) {
      return false; // nothing to record: the key is absent whether or not the event says so
    }
    state = state.remove(key);
    changes = changes.updated(key, null);
    return true;
  }

  @Override
  public int delete(Collection<String> keys) {
    TreeSet<String> sorted = StorageReads.validated(keys);
    int deleted = 0;
    for (String key : sorted) {
      if (state.contains(key)) {
        state = state.remove(key);
        changes = changes.updated(key, null);
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public void deleteAll() {
    if (state.isEmpty() && alarms.result().isEmpty() && !hasChanges()) {
      return; // the object was empty and stays so: nothing to record
    }
    state = KeyValueState.empty();
    changes = NO_CHANGES;
    alarms.clear();
    deleteAll = true;
  }

  // ---- alarms ------------------------------------------------------------------------------

  @Override
  public void setAlarm(String name, Instant time) {
    AlarmRules.validateName(name);
    long millis = AlarmRules.validateTime(time);
    alarmRules.checkHandled();
    AlarmSchedule current = alarms.result();
    alarmRules.checkRoomFor(current, name);
    ScheduledAlarm alarm = ScheduledAlarm.at(name, millis);
    ObjectSize before = size();
    limits.check(
        before, before.withAlarms(current.with(alarm).bytes()), "setting alarm '" + name + "'");
    putAlarm(alarm);
  }

  @Override
  public Optional<Instant> getAlarm(String name) {
    AlarmRules.validateName(name);
    return alarms.result().get(name).map(alarm -> Instant.ofEpochMilli(alarm.scheduledMillis()));
  }

  @Override
  public boolean deleteAlarm(String name) {
    AlarmRules.validateName(name);
    return removeAlarm(name);
  }

  @Override
  public Map<String, Instant> listAlarms() {
    return alarms.result().times();
  }

  /** The pending alarm of this name, with its retry state (for the runtime). */
  public Optional<ScheduledAlarm> alarm(String name) {
    return alarms.result().get(name);
  }

  /** Records {@code alarm} as is (the runtime's retries; no checks). */
  public void putAlarm(ScheduledAlarm alarm) {
    alarms.put(alarm);
  }

  // ---- sockets (the runtime's; the object reaches them through DurableObjectState) ----------

  public SocketRegistry resultSockets() {
    return sockets.result();
  }

  /**
   * Records a socket (accepted, or with a new attachment).
   *
   * @param what the write, for the message if the object's snapshot would be too large
   * @throws StorageException (413) if it would take the object above {@code max-snapshot-size}
   */
  public void putSocket(SocketRecord record, String what) {
    checkSockets(sockets.result().with(record), what);
    sockets.put(record);
  }

  public boolean removeSocket(String id) {
    return sockets.remove(id);
  }

  /**
   * Sets the automatic response pair.
   *
   * @throws StorageException (413) if it would take the object above {@code max-snapshot-size}
   */
  public void setAutoResponse(String request, String response) {
    checkSockets(
        sockets.result().withAutoResponse(request, response),
        "setting the WebSocket auto-response");
    sockets.setAutoResponse(request, response);
  }

  private void checkSockets(SocketRegistry after, String what) {
    ObjectSize before = size();
    limits.check(before, before.withSockets(after.bytes()), what);
  }

  /** Queues a command for a socket's connection (sent after the request's writes are durable). */
  public void send(io.durableobjects.core.internal.socket.OutgoingFrame frame) {
    sockets.send(frame);
  }

  /** The commands this request made for sockets, in order. */
  public List<io.durableobjects.core.internal.socket.OutgoingFrame> outbox() {
    return sockets.outbox();
  }

  /** Removes the alarm {@code name} (the runtime, delivering it; no checks). */
  public boolean removeAlarm(String name) {
    return alarms.remove(name);
  }

  // ---- nested transactions -----------------------------------------------------------------

  @Override
  public <R> R transaction(Function<Storage, R> body) {
    return transaction(this, body);
  }

  /**
   * Runs {@code body} with {@code facade} (the storage the object holds, which forwards here) as a
   * nested transaction: on any throwable, restores the state and changes as they were before.
   */
  public <R> R transaction(Storage facade, Function<Storage, R> body) {
    if (body == null) {
      throw new StorageException("the transaction body must not be null");
    }
    KeyValueState savedState = state;
    scala.collection.immutable.TreeMap<String, byte[]> savedChanges = changes;
    AlarmChanges.Savepoint savedAlarms = alarms.savepoint();
    SocketChanges.Savepoint savedSockets = sockets.savepoint();
    boolean savedDeleteAll = deleteAll;
    try {
      return body.apply(facade);
    } catch (Throwable t) {
      state = savedState;
      changes = savedChanges;
      alarms.restore(savedAlarms);
      sockets.restore(savedSockets);
      deleteAll = savedDeleteAll;
      throw t;
    }
  }

  // ---- results -----------------------------------------------------------------------------

  /** Whether the request wrote anything. */
  public boolean hasChanges() {
    return deleteAll || !changes.isEmpty() || alarms.hasChanges() || sockets.hasChanges();
  }

  /** The alarms with this request's changes applied. */
  public AlarmSchedule resultAlarms() {
    return alarms.result();
  }

  /** The state with this request's writes applied. */
  public KeyValueState result() {
    return state;
  }

  /**
   * This request's changes as one event: whether it deleted all keys first, then per key written
   * since, the final value or a deletion, in UTF-8 key order.
   */
  public TransactionCommitted toEvent() {
    return new TransactionCommitted(
        deleteAll,
        KeyValueState.inOrder(changes, TransactionCommitted.Change::new),
        null,
        0L,
        alarms.toEvent(),
        sockets.toEvent(),
        sockets.autoResponseEvent());
  }

  // ---- checks ------------------------------------------------------------------------------

  /** What the object with this transaction's writes takes in its snapshot, by part. */
  public ObjectSize size() {
    return sizeWith(state);
  }

  /** The object's size limits ({@code durable-objects.storage}). */
  public SizeLimits limits() {
    return limits;
  }

  private ObjectSize sizeWith(KeyValueState data) {
    return ObjectSize.of(data, rememberedBytes, sockets.result(), alarms.result());
  }
}
