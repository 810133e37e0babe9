package io.durableobjects.gateway;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.Response;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.HttpTranslation;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP answers to calls that reached an object, shared by {@link ObjectRoutes} and {@link
 * RpcRoutes}: the object's response, or its failure as an error body that tells the client what it
 * may do (the operator's detail goes to the log).
 */
final class ObjectAnswers {
  // Under ObjectRoutes, as before the split, so that log settings naming that category still apply.
  private static final Logger log = LoggerFactory.getLogger(ObjectRoutes.class);

  private ObjectAnswers() {}

  /** The object's response ({@code failure} null), or the answer to its failure. */
  static HttpResponse toHttp(
      Response ok, Throwable failure, String namespace, DurableObjectId id, String requestId) {
    if (failure == null) {
      return HttpTranslation.toHttpResponse(ok);
    }
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof DurableObjectException e) {
      if (e.status() >= 500) {
        log.warn(
            "Request {} to {}/{} failed with {} {}: {}",
            requestId,
            namespace,
            id,
            e.status(),
            e.code(),
            e.getMessage());
      }
      if (e.code().equals("object_error") || e.code().equals("storage_error")) {
        // The exception's text is for the operator (logged above), not for the client.
        return ErrorResponses.of(
            500,
            e.code(),
            "the object's code failed; none of the request's writes were applied (request ID "
                + requestId
                + " in the node's log)");
      }
      return ErrorResponses.of(e);
    }
    log.error("Request {} to {}/{} failed unexpectedly", requestId, namespace, id, cause);
    return ErrorResponses.of(
        500, "internal_error", "the request failed unexpectedly (request ID " + requestId + ")");
  }

  /** The answer to a call still in flight when the node's drain deadline passed. */
  static HttpResponse shutDownBeforeAnswer() {
    return ErrorResponses.of(
        503,
        "unavailable",
        "the node shut down before the object answered; the request may or may not have been"
            + " applied: retry, with an Idempotency-Key to apply it at most once");
  }
}
