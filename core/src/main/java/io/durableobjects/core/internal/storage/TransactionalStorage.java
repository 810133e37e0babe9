package io.durableobjects.core.internal.storage;

import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageException;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import scala.Tuple2;

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
 * <p>Not thread-safe: the object's input gate runs one request at a time.
 */
public final class TransactionalStorage implements Storage {
  private static final scala.collection.immutable.TreeMap<String, byte[]> NO_CHANGES =
      new scala.collection.immutable.TreeMap<>(KeyValueState.ORDERING);

  private static final scala.collection.immutable.TreeMap<String, SocketRecord> NO_SOCKET_CHANGES =
      new scala.collection.immutable.TreeMap<>(KeyValueState.ORDERING);
  private static final scala.collection.immutable.TreeMap<String, ScheduledAlarm> NO_ALARM_CHANGES =
      new scala.collection.immutable.TreeMap<>(KeyValueState.ORDERING);

  private final ValueCodec codec;
  private final long maxObjectBytes;
  private final AlarmRules alarmRules;
  private KeyValueState state;
  private AlarmSchedule alarms;
  private SocketRegistry sockets = SocketRegistry.empty();

  /** The socket each changed ID ends with, {@code null} for a removed one. */
  private scala.collection.immutable.TreeMap<String, SocketRecord> socketChanges = NO_SOCKET_CHANGES;

  private boolean autoResponseChanged;

  /** Commands for sockets' connections, in the order made; sent once the writes are durable. */
  // Allocated by the first send: most requests send nothing.
  private List<io.durableobjects.core.internal.socket.OutgoingFrame> outbox = List.of();

  /** The alarm each changed name ends with, {@code null} for a deleted one; in UTF-8 name order. */
  private scala.collection.immutable.TreeMap<String, ScheduledAlarm> alarmChanges =
      NO_ALARM_CHANGES;

  /** The value each written key ends with, {@code null} for a deleted key; in UTF-8 key order. */
  private scala.collection.immutable.TreeMap<String, byte[]> changes = NO_CHANGES;

  /** Whether the changes apply to an empty state rather than to the state this started from. */
  private boolean deleteAll;

  /** A transaction with the codec's limits. */
  public TransactionalStorage(KeyValueState state, ValueCodec codec) {
    this(state, codec, codec.settings().maxObjectBytes());
  }

  /** A transaction with another object limit (UTF-8 keys plus encoded values, in bytes). */
  public TransactionalStorage(KeyValueState state, ValueCodec codec, long maxObjectBytes) {
    this(state, AlarmSchedule.empty(), codec, maxObjectBytes, AlarmRules.PERMISSIVE);
  }

  /** A transaction over data and alarms. */
  public TransactionalStorage(
      KeyValueState state,
      AlarmSchedule alarms,
      ValueCodec codec,
      long maxObjectBytes,
      AlarmRules alarmRules) {
    this.state = state;
    this.alarms = alarms;
    this.codec = codec;
    this.maxObjectBytes = maxObjectBytes;
    this.alarmRules = alarmRules;
  }

  /** A transaction over data, alarms and sockets. */
  public TransactionalStorage(
      KeyValueState state,
      AlarmSchedule alarms,
      SocketRegistry sockets,
      ValueCodec codec,
      long maxObjectBytes,
      AlarmRules alarmRules) {
    this(state, alarms, codec, maxObjectBytes, alarmRules);
    this.sockets = sockets;
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public <T> Optional<T> get(String key, Class<T> type) {
    Keys.validate(key);
    Optional<byte[]> encoded = state.get(key);
    return encoded.map(bytes -> codec.decode(key, bytes, type));
  }

  @Override
  public <T> Map<String, T> get(Collection<String> keys, Class<T> type) {
    TreeSet<String> sorted = validated(keys);
    Map<String, T> result = new LinkedHashMap<>();
    for (String key : sorted) {
      Optional<byte[]> encoded = state.get(key);
      if (encoded.isPresent()) {
        result.put(key, codec.decode(key, encoded.get(), type));
      }
    }
    return Collections.unmodifiableMap(result);
  }

  @Override
  public <T> Map<String, T> list(ListOptions options, Class<T> type) {
    if (options == null) {
      throw new StorageException("list options must not be null; use ListOptions.all()");
    }
    if (type == null) {
      throw new StorageException("the type to list values as must not be null");
    }
    String lower = null;
    boolean lowerInclusive = true;
    if (options.start().isPresent()) {
      lower = options.start().get();
    } else if (options.startAfter().isPresent()) {
      lower = options.startAfter().get();
      lowerInclusive = false;
    }
    String upper = options.end().orElse(null);
    String prefix = options.prefix().orElse("");
    if (!prefix.isEmpty()) {
      // The keys with a prefix are the range [prefix, prefixEnd(prefix)): intersect with it.
      if (lower == null || KeyValueState.UTF8_ORDER.compare(prefix, lower) > 0) {
        lower = prefix;
        lowerInclusive = true;
      }
      String prefixEnd = Keys.prefixEnd(prefix);
      if (prefixEnd != null
          && (upper == null || KeyValueState.UTF8_ORDER.compare(prefixEnd, upper) < 0)) {
        upper = prefixEnd;
      }
    }
    int limit = options.limit().orElse(Integer.MAX_VALUE);
    Map<String, T> result = new LinkedHashMap<>();
    Iterator<Map.Entry<String, byte[]>> it =
        state.scan(lower, lowerInclusive, upper, options.reverse());
    while (result.size() < limit && it.hasNext()) {
      Map.Entry<String, byte[]> entry = it.next();
      result.put(entry.getKey(), codec.decode(entry.getKey(), entry.getValue(), type));
    }
    return Collections.unmodifiableMap(result);
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public void put(String key, Object value) {
    Keys.validate(key);
    byte[] encoded = codec.encode(key, value);
    KeyValueState next = state.put(key, encoded);
    checkObjectSize(next, "storing key '" + key + "'");
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
    checkObjectSize(
        next,
        keys.size() == 1
            ? "storing key '" + keys.get(0) + "'"
            : "storing these " + keys.size() + " entries");
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
    TreeSet<String> sorted = validated(keys);
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
    if (state.isEmpty() && alarms.isEmpty() && !hasChanges()) {
      return; // the object was empty and stays so: nothing to record
    }
    state = KeyValueState.empty();
    changes = NO_CHANGES;
    alarms = AlarmSchedule.empty();
    alarmChanges = NO_ALARM_CHANGES;
    deleteAll = true;
  }

  // ---- alarms ------------------------------------------------------------------------------

  @Override
  public void setAlarm(String name, Instant time) {
    AlarmRules.validateName(name);
    long millis = AlarmRules.validateTime(time);
    alarmRules.checkHandled();
    if (!alarms.contains(name) && alarms.size() >= alarmRules.maxPerObject()) {
      throw StorageException.limitExceeded(
          "setting alarm '"
              + name
              + "' would give the object more than "
              + alarmRules.maxPerObject()
              + " alarms (durable-objects.alarms.max-per-object)");
    }
    putAlarm(ScheduledAlarm.at(name, millis));
  }

  @Override
  public Optional<Instant> getAlarm(String name) {
    AlarmRules.validateName(name);
    return alarms.get(name).map(alarm -> Instant.ofEpochMilli(alarm.scheduledMillis()));
  }

  @Override
  public boolean deleteAlarm(String name) {
    AlarmRules.validateName(name);
    return removeAlarm(name);
  }

  @Override
  public Map<String, Instant> listAlarms() {
    Map<String, Instant> result = new LinkedHashMap<>();
    for (ScheduledAlarm alarm : alarms.all()) {
      result.put(alarm.name(), Instant.ofEpochMilli(alarm.scheduledMillis()));
    }
    return Collections.unmodifiableMap(result);
  }

  /** The pending alarm of this name, with its retry state (for the runtime). */
  public Optional<ScheduledAlarm> alarm(String name) {
    return alarms.get(name);
  }

  /** Records {@code alarm} as is (the runtime's retries; no checks). */
  public void putAlarm(ScheduledAlarm alarm) {
    alarms = alarms.with(alarm);
    alarmChanges = alarmChanges.updated(alarm.name(), alarm);
  }

  // ---- sockets (the runtime's; the object reaches them through DurableObjectState) ----------

  public SocketRegistry resultSockets() {
    return sockets;
  }

  public void putSocket(SocketRecord record) {
    sockets = sockets.with(record);
    socketChanges = socketChanges.updated(record.id(), record);
  }

  public boolean removeSocket(String id) {
    if (sockets.get(id).isEmpty()) {
      return false;
    }
    sockets = sockets.without(id);
    socketChanges = socketChanges.updated(id, null);
    return true;
  }

  public void setAutoResponse(String request, String response) {
    sockets = sockets.withAutoResponse(request, response);
    autoResponseChanged = true;
  }

  /** Queues a command for a socket's connection (sent after the request's writes are durable). */
  public void send(io.durableobjects.core.internal.socket.OutgoingFrame frame) {
    if (outbox.isEmpty()) {
      outbox = new ArrayList<>();
    }
    outbox.add(frame);
  }

  /** The commands this request made for sockets, in order. */
  public List<io.durableobjects.core.internal.socket.OutgoingFrame> outbox() {
    return outbox.isEmpty() ? List.of() : List.copyOf(outbox);
  }

  /** Removes the alarm {@code name} (the runtime, delivering it; no checks). */
  public boolean removeAlarm(String name) {
    if (!alarms.contains(name)) {
      return false;
    }
    alarms = alarms.without(name);
    alarmChanges = alarmChanges.updated(name, null);
    return true;
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
    AlarmSchedule savedAlarms = alarms;
    scala.collection.immutable.TreeMap<String, ScheduledAlarm> savedAlarmChanges = alarmChanges;
    SocketRegistry savedSockets = sockets;
    scala.collection.immutable.TreeMap<String, SocketRecord> savedSocketChanges = socketChanges;
    boolean savedAutoResponseChanged = autoResponseChanged;
    int savedOutbox = outbox.size(); // it only grows: a savepoint is its length
    boolean savedDeleteAll = deleteAll;
    try {
      return body.apply(facade);
    } catch (Throwable t) {
      state = savedState;
      changes = savedChanges;
      alarms = savedAlarms;
      alarmChanges = savedAlarmChanges;
      sockets = savedSockets;
      socketChanges = savedSocketChanges;
      autoResponseChanged = savedAutoResponseChanged;
      if (outbox.size() > savedOutbox) {
        outbox.subList(savedOutbox, outbox.size()).clear();
      }
      deleteAll = savedDeleteAll;
      throw t;
    }
  }

  // ---- results -----------------------------------------------------------------------------

  /** Whether the request wrote anything. */
  public boolean hasChanges() {
    return deleteAll
        || !changes.isEmpty()
        || !alarmChanges.isEmpty()
        || !socketChanges.isEmpty()
        || autoResponseChanged;
  }

  /** The alarms with this request's changes applied. */
  public AlarmSchedule resultAlarms() {
    return alarms;
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
    List<TransactionCommitted.Change> list = new ArrayList<>(changes.size());
    scala.collection.Iterator<Tuple2<String, byte[]>> it = changes.iterator();
    while (it.hasNext()) {
      Tuple2<String, byte[]> change = it.next();
      list.add(new TransactionCommitted.Change(change._1(), change._2()));
    }
    List<TransactionCommitted.AlarmChange> alarmList = new ArrayList<>(alarmChanges.size());
    scala.collection.Iterator<Tuple2<String, ScheduledAlarm>> alarmIt = alarmChanges.iterator();
    while (alarmIt.hasNext()) {
      Tuple2<String, ScheduledAlarm> change = alarmIt.next();
      alarmList.add(new TransactionCommitted.AlarmChange(change._1(), change._2()));
    }
    List<TransactionCommitted.SocketChange> socketList = new ArrayList<>(socketChanges.size());
    scala.collection.Iterator<Tuple2<String, SocketRecord>> socketIt = socketChanges.iterator();
    while (socketIt.hasNext()) {
      Tuple2<String, SocketRecord> change = socketIt.next();
      socketList.add(new TransactionCommitted.SocketChange(change._1(), change._2()));
    }
    TransactionCommitted.AutoResponse auto =
        autoResponseChanged
            ? new TransactionCommitted.AutoResponse(sockets.autoRequest(), sockets.autoResponse())
            : null;
    return new TransactionCommitted(deleteAll, list, null, 0L, alarmList, socketList, auto);
  }

  // ---- checks ------------------------------------------------------------------------------

  private static TreeSet<String> validated(Collection<String> keys) {
    if (keys == null) {
      throw new StorageException("the collection of storage keys must not be null");
    }
    TreeSet<String> sorted = new TreeSet<>(KeyValueState.UTF8_ORDER);
    for (String key : keys) {
      sorted.add(Keys.validate(key));
    }
    return sorted;
  }

  /** Refuses a state above the object limit, unless the write does not grow the object. */
  private void checkObjectSize(KeyValueState next, String what) {
    if (next.bytes() > maxObjectBytes && next.bytes() > state.bytes()) {
      throw StorageException.limitExceeded(
          what
              + " would make the object's storage "
              + next.bytes()
              + " bytes; the limit is "
              + maxObjectBytes
              + " bytes");
    }
  }
}
