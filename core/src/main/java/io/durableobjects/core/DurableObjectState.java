package io.durableobjects.core;

/**
 * What an object receives in its constructor: its identity and its storage.
 *
 * <p>The state belongs to one object instance; it must only be used from within that object's
 * constructor and its {@link DurableObject#fetch} calls.
 */
public interface DurableObjectState {

  /** The ID of this object; {@link DurableObjectId#name()} is present if it was created by name. */
  DurableObjectId id();

  /** The object's transactional, strongly consistent key-value storage. */
  Storage storage();
}
