package io.durableobjects.core;

/**
 * An object that handles HTTP-style requests and answers each one at once.
 *
 * <pre>{@code
 * public final class Counter implements FetchHandler {
 *   private final Storage storage;
 *
 *   public Counter(DurableObjectState state) {
 *     this.storage = state.storage();
 *   }
 *
 *   public Response fetch(Request request) {
 *     long next = storage.get("count", Long.class).orElse(0L) + 1;
 *     storage.put("count", next);
 *     return Response.text(Long.toString(next));
 *   }
 * }
 * }</pre>
 *
 * <p>Use {@link AsyncFetchHandler} instead when the answer comes later (for example after a call to
 * another object).
 */
public interface FetchHandler extends DurableObject {

  /**
   * Handles one request addressed to this object.
   *
   * @param request the request, with the path relative to the object (for example {@code
   *     /increment})
   * @return the response; must not be {@code null}
   * @throws Exception any failure: the request's writes are discarded and the caller gets a 500
   *     error (or the status of a {@link DurableObjectException} it throws)
   */
  Response fetch(Request request) throws Exception;
}
