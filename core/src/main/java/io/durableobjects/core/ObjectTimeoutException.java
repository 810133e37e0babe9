package io.durableobjects.core;

/**
 * The object did not answer within the configured timeout ({@code durable-objects.ask-timeout},
 * 504). The request may or may not have been applied.
 */
public final class ObjectTimeoutException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  public ObjectTimeoutException(String message) {
    super(504, "object_timeout", message);
  }
}
