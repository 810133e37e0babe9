package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectState;
import java.util.List;

/** Test access to the call chain of an object's running request, to forge a re-entrant call. */
public final class CallChains {
  private CallChains() {}

  /** The chain that calls made by {@code state}'s object now carry. */
  public static List<String> of(DurableObjectState state) {
    return ((ObjectStateImpl) state).callChain();
  }
}
