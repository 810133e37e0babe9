package io.durableobjects.core;

import java.util.concurrent.CompletionStage;

/**
 * A client-side handle on one object. Cheap to create and to keep; safe to use from any thread.
 */
public interface DurableObjectStub {

  /** The ID of the object this stub addresses. */
  DurableObjectId id();

  /**
   * Sends a request to the object, activating it if needed.
   *
   * <p>The returned stage completes with the object's response once every write made before it is
   * durable, or fails with a {@link DurableObjectException}: {@link ObjectFailedException} if the
   * object's code threw, {@link ObjectUnavailableException} if its journal failed (retryable),
   * {@link ObjectTimeoutException} if it did not answer in time.
   */
  CompletionStage<Response> fetch(Request request);
}
