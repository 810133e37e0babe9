package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.Storage;

/** INTERNAL API: the {@link DurableObjectState} handed to an object's constructor. */
final class ObjectStateImpl implements DurableObjectState {
  private final DurableObjectId id;
  private final ObjectStorage storage;

  ObjectStateImpl(DurableObjectId id, ObjectStorage storage) {
    this.id = id;
    this.storage = storage;
  }

  @Override
  public DurableObjectId id() {
    return id;
  }

  @Override
  public Storage storage() {
    return storage;
  }
}
