package io.durableobjects.core;

import java.util.concurrent.CompletionStage;

/**
 * An object that handles HTTP-style requests whose responses are produced asynchronously.
 *
 * <p>The input gate stays closed until the returned stage completes: no other call of this object
 * runs in the meantime, and the continuation may read and write {@link
 * DurableObjectState#storage()} as part of this request's transaction. If the stage does not
 * complete within {@code durable-objects.entity.request-timeout}, the caller gets a 504, the
 * request's writes are discarded, and the object instance is replaced by a fresh one (its storage
 * stays as committed); the late continuation can no longer use storage.
 */
public interface AsyncFetchHandler extends DurableObject {

  /**
   * Handles one request addressed to this object.
   *
   * @param request the request, with the path relative to the object
   * @return the stage of the response; neither may be {@code null}
   * @throws Exception any failure, thrown or completing the stage: the request's writes are
   *     discarded and the caller gets a 500 error (or the status of a {@link
   *     DurableObjectException})
   */
  CompletionStage<Response> fetch(Request request) throws Exception;
}
