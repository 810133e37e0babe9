package io.durableobjects.core.internal.storage;

import io.durableobjects.core.Storage;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * INTERNAL API: the {@link Storage} an object uses while it handles one request.
 *
 * <p>Reads see the working state plus this request's own writes. Writes update a private version
 * of the state and are recorded as changes; nothing is visible outside until the runtime takes the
 * {@link #result()} and the {@link #changes()} after the handler returned. If the handler throws,
 * the runtime just drops this instance: rollback is free.
 */
public final class TransactionalStorage implements Storage {
  private final ValueCodec codec;
  private KeyValueState state;
  private final Map<String, byte[]> changes = new LinkedHashMap<>();

  public TransactionalStorage(KeyValueState state, ValueCodec codec) {
    this.state = state;
    this.codec = codec;
  }

  @Override
  public <T> Optional<T> get(String key, Class<T> type) {
    Keys.validate(key);
    Optional<byte[]> encoded = state.get(key);
    return encoded.map(bytes -> codec.decode(key, bytes, type));
  }

  @Override
  public void put(String key, Object value) {
    Keys.validate(key);
    byte[] encoded = codec.encode(key, value);
    state = state.put(key, encoded);
    changes.put(key, encoded);
  }

  @Override
  public boolean delete(String key) {
    Keys.validate(key);
    boolean existed = state.contains(key);
    state = state.remove(key);
    changes.put(key, null);
    return existed;
  }

  /** Whether the request wrote anything. */
  public boolean hasChanges() {
    return !changes.isEmpty();
  }

  /** The state with this request's writes applied. */
  public KeyValueState result() {
    return state;
  }

  /** This request's changes as one event. */
  public TransactionCommitted toEvent() {
    List<TransactionCommitted.Change> list = new ArrayList<>(changes.size());
    changes.forEach((k, v) -> list.add(new TransactionCommitted.Change(k, v)));
    return new TransactionCommitted(list);
  }
}
