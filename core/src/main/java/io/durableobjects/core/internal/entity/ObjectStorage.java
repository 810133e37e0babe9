package io.durableobjects.core.internal.entity;

import io.durableobjects.core.Storage;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.internal.storage.ValueCodec;
import java.util.Optional;

/**
 * INTERNAL API: the {@link Storage} an object holds for its whole life. It forwards to the
 * transaction of the request being handled and refuses use between requests (for example from a
 * thread the object started), which would bypass the input gate.
 */
final class ObjectStorage implements Storage {
  private final ValueCodec codec;
  private TransactionalStorage current;

  ObjectStorage(ValueCodec codec) {
    this.codec = codec;
  }

  TransactionalStorage begin(KeyValueState working) {
    current = new TransactionalStorage(working, codec);
    return current;
  }

  void end() {
    current = null;
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
  public void put(String key, Object value) {
    current().put(key, value);
  }

  @Override
  public boolean delete(String key) {
    return current().delete(key);
  }
}
