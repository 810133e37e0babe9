package io.durableobjects.core;

/**
 * A storage operation was refused: an invalid or too large key or value, or a value that cannot be
 * (de)serialized. Nothing was written. Thrown out of {@link DurableObject#fetch}, it fails the
 * request like any other exception.
 */
public final class StorageException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(500, "storage_error", message);
  }

  public StorageException(String message, Throwable cause) {
    super(500, "storage_error", message, cause);
  }
}
