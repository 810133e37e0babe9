package io.durableobjects.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * INTERNAL API: the object on whose behalf calls go out through {@code state.env()}: the call chain
 * they carry (for re-entry) and the output gate they pass before they leave.
 */
public interface CallOrigin {

  /** Calls from outside any object: no chain, nothing to wait for. */
  CallOrigin NONE =
      new CallOrigin() {
        @Override
        public List<String> callChain() {
          return List.of();
        }

        @Override
        public CompletionStage<Void> outputGate() {
          return CompletableFuture.completedFuture(null);
        }
      };

  /** The chain a call made now carries (see {@code ObjectCommand.Call#callChain}). */
  List<String> callChain();

  /**
   * Completes when a call made now may leave: every write its object committed before it is
   * durable. Fails with a retryable {@code DurableObjectException} if it never may; the call is
   * then not sent.
   */
  CompletionStage<Void> outputGate();
}
