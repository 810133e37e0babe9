package io.durableobjects.core;

/**
 * The object's code threw (or returned no response) while handling the request (500). None of the
 * request's writes was committed; the object's storage is as it was before the request.
 */
public final class ObjectFailedException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  public ObjectFailedException(String message) {
    super(500, "object_error", message);
  }
}
