package io.durableobjects.core;

/**
 * The object could not handle the request now, for example because its journal failed or could not
 * be reached (503). Nothing of the request was acknowledged. A journal write that timed out may
 * still have been stored, though, so a retried non-idempotent request can apply twice.
 */
public final class ObjectUnavailableException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  public ObjectUnavailableException(String message) {
    super(503, "unavailable", message);
  }
}
