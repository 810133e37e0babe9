package io.durableobjects.core;

/**
 * One configured namespace: the set of objects of one class. Obtain it with {@code
 * DurableObjects.get(system).namespace("counter")}.
 */
public interface DurableObjectNamespace {

  /** The namespace's name, as configured under {@code durable-objects.namespaces}. */
  String name();

  /**
   * The ID derived from {@code name}: the same name gives the same ID on every node and after every
   * restart. The ID remembers the name ({@link DurableObjectId#name()}).
   *
   * @throws IllegalArgumentException if {@code name} is null or empty
   */
  DurableObjectId idFromName(String name);

  /** A new, random ID in this namespace; no other call ever returns the same ID. */
  DurableObjectId newUniqueId();

  /**
   * Parses the 64-hex-character form of an ID of this namespace ({@link
   * DurableObjectId#toString()}).
   *
   * @throws InvalidObjectIdException if {@code hex} is malformed or an ID of another namespace
   */
  DurableObjectId idFromString(String hex);

  /**
   * A stub that sends requests to the object with this ID, wherever in the cluster it lives.
   *
   * @throws IllegalArgumentException if the ID belongs to another namespace
   */
  DurableObjectStub get(DurableObjectId id);

  /**
   * A stub for the object of this name: the same as {@code get(idFromName(name))}.
   *
   * @throws IllegalArgumentException if {@code name} is null or empty
   */
  default DurableObjectStub getByName(String name) {
    return get(idFromName(name));
  }
}
