package io.durableobjects.core.internal;

import java.time.Duration;

/**
 * INTERNAL API: how objects remember requests by {@code Idempotency-Key} ({@code
 * durable-objects.idempotency}).
 *
 * @param retention how long a key is remembered (every key, for all of it)
 * @param maxBytes what one object's remembered keys and responses may hold; once they hold it, new
 *     keyed requests are refused with 429 {@code idempotency_records_full} until keys expire
 * @param maxResponseBytes a response with a larger body is not kept: its key is, and a retry gets
 *     409 {@code idempotency_response_not_kept}
 */
public record IdempotencySettings(Duration retention, long maxBytes, long maxResponseBytes) {}
