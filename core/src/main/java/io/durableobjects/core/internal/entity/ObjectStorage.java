package io.durableobjects.core.internal.entity;

import com.fasterxml.jackson.core.type.TypeReference;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Storage;
import io.durableobjects.core.internal.storage.AlarmRules;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.internal.storage.ValueCodec;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * INTERNAL API: the {@link Storage} an object holds for its whole life. It forwards to the
 * transaction of the request being handled and refuses use between requests (for example from a
 * thread the object started), which would bypass the input gate.
 */
public final class ObjectStorage implements Storage {
  private final ValueCodec codec;
  private final long maxObjectBytes;
  private final AlarmRules alarmRules;
  private volatile TransactionalStorage current;

  /** Storage with the codec's limits ({@code durable-objects.storage}), alarms allowed. */
  public ObjectStorage(ValueCodec codec) {
    this(codec, AlarmRules.PERMISSIVE);
  }

  /** Storage with another limit on the object's total size, alarms allowed. */
  public ObjectStorage(ValueCodec codec, long maxObjectBytes) {
    this(codec, maxObjectBytes, AlarmRules.PERMISSIVE);
  }

  /** Storage with the codec's limits ({@code durable-objects.storage}) and these alarm rules. */
  public ObjectStorage(ValueCodec codec, AlarmRules alarmRules) {
    this(codec, codec.settings().maxObjectBytes(), alarmRules);
  }

  /** Storage with another limit on the object's total size, in bytes. */
  public ObjectStorage(ValueCodec codec, long maxObjectBytes, AlarmRules alarmRules) {
    this.codec = codec;
    this.maxObjectBytes = maxObjectBytes;
    this.alarmRules = alarmRules;
  }

  /** Starts a request's transaction over the working state, without alarms. */
  public TransactionalStorage begin(KeyValueState working) {
    return begin(working, AlarmSchedule.empty());
  }

  /** Starts a request's transaction over the working state. */
  public TransactionalStorage begin(KeyValueState working, AlarmSchedule alarms) {
    current = detached(working, alarms);
    return current;
  }

  /**
   * Starts a call's transaction over the working state, with the object's sockets and what its
   * idempotency records take in its snapshot.
   */
  public TransactionalStorage begin(
      KeyValueState working,
      AlarmSchedule alarms,
      io.durableobjects.core.internal.storage.SocketRegistry sockets,
      long rememberedBytes) {
    current = detached(working, alarms, sockets, rememberedBytes);
    return current;
  }

  /** A transaction of the runtime's own over data, alarms and sockets. */
  public TransactionalStorage detached(
      KeyValueState working,
      AlarmSchedule alarms,
      io.durableobjects.core.internal.storage.SocketRegistry sockets,
      long rememberedBytes) {
    return new TransactionalStorage(
        working, alarms, sockets, rememberedBytes, codec, maxObjectBytes, alarmRules);
  }

  /** A transaction of the runtime's own (not the object's): the object's handle stays closed. */
  public TransactionalStorage detached(KeyValueState working, AlarmSchedule alarms) {
    return new TransactionalStorage(working, alarms, codec, maxObjectBytes, alarmRules);
  }

  /** Ends the request: until the next {@link #begin}, every method throws. */
  public void end() {
    current = null;
  }

  /** Whether a call (or the constructor) is being handled: the handle is open. */
  boolean inCall() {
    return current != null;
  }

  /** The transaction of the call being handled (for the runtime's socket operations). */
  TransactionalStorage currentTransaction() {
    return current();
  }

  private TransactionalStorage current() {
    TransactionalStorage tx = current;
    if (tx == null) {
      throw new IllegalStateException(
          "storage can only be used in the object's constructor or while it handles a request");
    }
    return tx;
  }

  @Override
  public <T> Optional<T> get(String key, Class<T> type) {
    return current().get(key, type);
  }

  @Override
  public <T> Optional<T> get(String key, TypeReference<T> type) {
    return current().get(key, type);
  }

  @Override
  public <T> Map<String, T> get(Collection<String> keys, Class<T> type) {
    return current().get(keys, type);
  }

  @Override
  public <T> Map<String, T> get(Collection<String> keys, TypeReference<T> type) {
    return current().get(keys, type);
  }

  @Override
  public void put(String key, Object value) {
    current().put(key, value);
  }

  @Override
  public void put(Map<String, ?> entries) {
    current().put(entries);
  }

  @Override
  public boolean delete(String key) {
    return current().delete(key);
  }

  @Override
  public int delete(Collection<String> keys) {
    return current().delete(keys);
  }

  @Override
  public void deleteAll() {
    current().deleteAll();
  }

  @Override
  public <T> Map<String, T> list(ListOptions options, Class<T> type) {
    return current().list(options, type);
  }

  @Override
  public <T> Map<String, T> list(ListOptions options, TypeReference<T> type) {
    return current().list(options, type);
  }

  @Override
  public void setAlarm(String name, Instant time) {
    current().setAlarm(name, time);
  }

  @Override
  public java.util.Optional<Instant> getAlarm(String name) {
    return current().getAlarm(name);
  }

  @Override
  public boolean deleteAlarm(String name) {
    return current().deleteAlarm(name);
  }

  @Override
  public Map<String, Instant> listAlarms() {
    return current().listAlarms();
  }

  @Override
  public <R> R transaction(Function<Storage, R> body) {
    // The body gets this handle, not the transaction, so that it too stops working after the
    // request.
    return current().transaction(this, body);
  }
}
