package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.IdempotencyKeys;
import io.durableobjects.core.internal.IdempotencySettings;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * INTERNAL API: at most once per idempotency key. A fetch with an {@code Idempotency-Key} header,
 * or an RPC with a key, whose key the object remembers (within its retention) is not run again: its
 * caller gets the first response, marked {@code Idempotent-Replayed} (an RPC: its first result). A
 * call that succeeds remembers its response in its own transaction ({@link IdempotencyRecords},
 * part of the committed state).
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
   * @throws DurableObjectException (400) if its key is not a valid idempotency key
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
    Optional<IdempotencyRecords.Remembered> earlier = records.get(key, clock.millis());
    return earlier.map(remembered -> replay(call, remembered)).orElse(null);
  }

  /** The record that makes a retry of {@code call} get {@code success} again, if it needs one. */
  IdempotencyRecords.Remembered rememberable(ObjectCommand.Call call, FetchReply success) {
    String key = keyOf(call);
    if (key == null) {
      return null;
    }
    Response response = asResponse(success);
    if (response.bodyLength() > settings.maxResponseBytes()) {
      log.debug("Response to idempotency key {} is too large to remember", key);
      return null;
    }
    return new IdempotencyRecords.Remembered(
        key, clock.millis(), settings.retention().toMillis(), settings.maxKeys(), response);
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
