package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObject;

/**
 * INTERNAL API: one instance of the user's object, with what was made for it: its state, its
 * storage handle (open only while it handles a call) and its sockets. A timeout or a failed
 * initialisation replaces it; the actor's working state stays.
 */
record ObjectInstance(
    DurableObject object, ObjectStateImpl state, ObjectStorage storage, ObjectSockets sockets) {

  /** Its {@code blockConcurrencyWhile} stages. */
  ConcurrencyBlocker blocker() {
    return state.blocker();
  }
}
