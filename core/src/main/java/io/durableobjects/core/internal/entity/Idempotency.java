package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.IdempotencyKeys;
import io.durableobjects.core.internal.IdempotencySettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * INTERNAL API: at most once per idempotency key. A fetch with an {@code Idempotency-Key} header,
 * or an RPC with a key, whose key the object remembers (within its retention) is not run again:
 *
 * <ul>
 *   <li>the same request gets the first response, marked {@code Idempotent-Replayed} (an RPC: its
 *       first result); 409 {@code idempotency_response_not_kept} if that response was too large to
 *       keep;
 *   <li>another request with the key (another method, path or body, {@link RequestFingerprint})
 *       gets 422 {@code idempotency_key_reused}.
 * </ul>
 *
 * A new key is refused with 429 {@code idempotency_records_full} while the object's records hold
 * {@code max-records-size} bytes: they are never forgotten before their retention. A call that
 * succeeds remembers its key, and its response if small enough, in its own transaction ({@link
 * IdempotencyRecords}, part of the committed state). A failed call is not remembered: none of its
 * writes were applied, so a retry runs it again.
 */
final class Idempotency {
  private final IdempotencySettings settings;
  private final Clock clock;
  private final Logger log;

  Idempotency(IdempotencySettings settings, Clock clock, Logger log) {
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  /**
   * The reply a call gets without running, because its key was applied already; null if it runs.
   *
   * @throws DurableObjectException if it must not run: its key is not a valid idempotency key
   *     (400), was used for another request (422), was applied with a response too large to keep
   *     (409), or is new while the object's records are full (429)
   */
  FetchReply earlierReply(ObjectCommand.Call call, IdempotencyRecords records) {
    String key = keyOf(call);
    if (key == null) {
      return null;
    }
    String problem = IdempotencyKeys.problem(key);
    if (problem != null) {
      throw new DurableObjectException(400, "invalid_idempotency_key", problem);
    }
    long now = clock.millis();
    Optional<IdempotencyRecords.Remembered> earlier = records.get(key, now);
    if (earlier.isEmpty()) {
      refuseIfFull(records, now);
      return null;
    }
    IdempotencyRecords.Remembered remembered = earlier.get();
    if (remembered.fingerprint() != null
        && !remembered.fingerprint().equals(RequestFingerprint.of(call))) {
      throw new DurableObjectException(
          422,
          "idempotency_key_reused",
          "Idempotency-Key '"
              + key
              + "' was used for another request (another method, path, query or body, or RPC"
              + " arguments) "
              + ago(now, remembered)
              + "; a key names one request: use a new key for a new request");
    }
    if (!remembered.responseKept()) {
      throw new DurableObjectException(
          409,
          "idempotency_response_not_kept",
          "the request with Idempotency-Key '"
              + key
              + "' was applied "
              + ago(now, remembered)
              + ", and is not applied again; its response was larger than"
              + " durable-objects.idempotency.max-response-size ("
              + settings.maxResponseBytes()
              + " bytes) and was not kept: read the outcome another way");
    }
    return replay(call, remembered);
  }

  private void refuseIfFull(IdempotencyRecords records, long now) {
    if (records.bytes() < settings.maxBytes() || records.liveBytes(now) < settings.maxBytes()) {
      return;
    }
    long waitMillis = Math.max(1, records.nextExpiryMillis(now) - now);
    throw new DurableObjectException(
        429,
        "idempotency_records_full",
        "this object remembers "
            + records.size()
            + " idempotency keys holding "
            + records.liveBytes(now)
            + " bytes, the limit (durable-objects.idempotency.max-records-size) is "
            + settings.maxBytes()
            + " bytes: a new Idempotency-Key is refused until keys expire (the next in "
            + Duration.ofMillis(waitMillis).toSeconds()
            + " s); requests without a key are not affected");
  }

  private static String ago(long now, IdempotencyRecords.Remembered remembered) {
    return Duration.ofMillis(Math.max(0, now - remembered.atMillis())).toSeconds() + " s ago";
  }

  /** The record that makes a retry of {@code call} get {@code success} again, if it needs one. */
  IdempotencyRecords.Remembered rememberable(ObjectCommand.Call call, FetchReply success) {
    String key = keyOf(call);
    if (key == null) {
      return null;
    }
    Response response = asResponse(success);
    if (response.bodyLength() > settings.maxResponseBytes()) {
      // The key is kept all the same: a retry must not run the request a second time.
      log.debug("Response to idempotency key {} is too large to keep; its key is kept", key);
      response = null;
    }
    return IdempotencyRecords.Remembered.of(
        key,
        clock.millis(),
        settings.retention().toMillis(),
        RequestFingerprint.of(call),
        response);
  }

  private static String keyOf(ObjectCommand.Call call) {
    if (call instanceof ObjectCommand.Invoke invoke) {
      return invoke.idempotencyKey();
    }
    if (call instanceof ObjectCommand.Fetch fetch) {
      return fetch.request().header(IdempotencyKeys.HEADER).orElse(null);
    }
    return null;
  }

  // An RPC result is remembered as a response: 200 with the JSON result, or 204 for null.
  private static FetchReply replay(ObjectCommand.Call call, IdempotencyRecords.Remembered earlier) {
    Response response = earlier.response();
    if (call instanceof ObjectCommand.Invoke) {
      return new FetchReply.Returned(response.status() == 204 ? null : response.body());
    }
    return new FetchReply.Ok(response.withHeader("Idempotent-Replayed", "true"));
  }

  private static Response asResponse(FetchReply success) {
    if (success instanceof FetchReply.Ok ok) {
      return ok.response();
    }
    byte[] value = ((FetchReply.Returned) success).value();
    return value == null ? Response.status(204) : Response.bytes(value);
  }
}
