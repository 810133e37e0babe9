package io.durableobjects.core.internal.serialization;

/**
 * INTERNAL API: marker for messages that cross the cluster (requests to objects and their replies),
 * bound to Jackson CBOR in reference.conf.
 */
public interface DurableObjectsSerializable {}
