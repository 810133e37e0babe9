package io.durableobjects.core;

/**
 * A storage operation was refused: an invalid or too large key or value, a value that cannot be
 * (de)serialized, or a write that would make the object's storage too large. Nothing was written by
 * the refused operation (the request's earlier writes stay). Thrown out of {@link
 * FetchHandler#fetch} (or any handler), it fails the call like any other exception, and none of the
 * request's writes is committed.
 *
 * <p>A refusal because of a size limit has status 413 and code {@value #LIMIT_EXCEEDED}; every
 * other refusal has status 500 and code {@value #STORAGE_ERROR}.
 */
public final class StorageException extends DurableObjectException {
  private static final long serialVersionUID = 1L;

  /** The code of a refusal for any reason but a size limit. */
  public static final String STORAGE_ERROR = "storage_error";

  /** The code of a refusal because a key, a value or the object's storage would be too large. */
  public static final String LIMIT_EXCEEDED = "storage_limit_exceeded";

  /** A refusal with status 500 and code {@value #STORAGE_ERROR}. */
  public StorageException(String message) {
    super(500, STORAGE_ERROR, message);
  }

  /** A refusal with status 500 and code {@value #STORAGE_ERROR}. */
  public StorageException(String message, Throwable cause) {
    super(500, STORAGE_ERROR, message, cause);
  }

  private StorageException(int status, String code, String message) {
    super(status, code, message);
  }

  /** A refusal because of a size limit: status 413 and code {@value #LIMIT_EXCEEDED}. */
  public static StorageException limitExceeded(String message) {
    return new StorageException(413, LIMIT_EXCEEDED, message);
  }

  /** Whether this refusal is because of a size limit rather than a bad key, value or type. */
  public boolean isLimitExceeded() {
    return LIMIT_EXCEEDED.equals(code());
  }
}
