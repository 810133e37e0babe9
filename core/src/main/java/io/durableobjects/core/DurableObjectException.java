package io.durableobjects.core;

/**
 * The family of errors the runtime reports to callers. Each carries the HTTP status and the short,
 * stable error code that the HTTP gateway answers with, and a message meant for the caller (never a
 * stack trace).
 */
public class DurableObjectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public DurableObjectException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public DurableObjectException(int status, String code, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status this error maps to, for example 404 or 503. */
  public int status() {
    return status;
  }

  /** A short, stable, machine-readable code, for example {@code unknown_namespace}. */
  public String code() {
    return code;
  }

  /** Whether the caller may retry the same request later (a 503: the object was unavailable). */
  public boolean isRetryable() {
    return status == 503;
  }
}
