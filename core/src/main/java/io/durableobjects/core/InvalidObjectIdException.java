package io.durableobjects.core;

/** A string that is not an ID of the namespace it was given to (400). */
public final class InvalidObjectIdException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  public InvalidObjectIdException(String message) {
    super(400, "invalid_id", message);
  }
}
