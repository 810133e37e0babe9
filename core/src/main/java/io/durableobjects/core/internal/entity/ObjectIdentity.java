package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.internal.ObjectIdFactory;
import io.durableobjects.core.internal.ObjectIds;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * INTERNAL API: who the object is: its namespace, its ID, its persistence ID, and the name its ID
 * was derived from once a call or the alarm index has told it (and it matches the ID).
 */
final class ObjectIdentity {
  private final String namespace;
  private final String hex;
  private final PersistenceId persistenceId;
  private String name;

  ObjectIdentity(String namespace, String hex, PersistenceId persistenceId) {
    this.namespace = namespace;
    this.hex = hex;
    this.persistenceId = persistenceId;
  }

  /**
   * Takes {@code candidate} as the object's name if none is known yet and the ID derives from it.
   */
  void learn(String candidate) {
    if (name == null && candidate != null && ObjectIds.fromName(namespace, candidate).equals(hex)) {
      name = candidate;
    }
  }

  PersistenceId persistenceId() {
    return persistenceId;
  }

  String hex() {
    return hex;
  }

  /** The object's name, or null if not known (yet, or it has none). */
  String name() {
    return name;
  }

  /** The ID as the object's code sees it (with its name, when known). */
  DurableObjectId id() {
    return ObjectIdFactory.create(namespace, hex, name);
  }

  /** The link a call's chain gets for this object's call {@code token} (re-entry). */
  String chainLink(long token) {
    return persistenceId.id() + "#" + token;
  }
}
