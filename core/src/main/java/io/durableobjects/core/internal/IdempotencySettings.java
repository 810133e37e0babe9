package io.durableobjects.core.internal;

import java.time.Duration;

/**
 * INTERNAL API: how objects remember responses by {@code Idempotency-Key} ({@code
 * durable-objects.idempotency}).
 *
 * @param retention how long a key is remembered
 * @param maxKeys how many keys one object remembers at most (the oldest are forgotten first)
 * @param maxResponseBytes responses with a larger body are not remembered
 */
public record IdempotencySettings(Duration retention, int maxKeys, long maxResponseBytes) {}
