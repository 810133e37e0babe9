package io.durableobjects.gateway.internal;

/**
 * INTERNAL API: the bounds of one client WebSocket's queues ({@code
 * durable-objects.http.websocket}).
 *
 * @param sendBuffer messages queued towards the client
 * @param sendBufferBytes bytes of the messages queued towards the client
 * @param maxUnacknowledged client messages the object has not handled yet
 * @param maxUnacknowledgedBytes bytes of the client messages the object has not handled yet
 */
public record SocketLimits(
    int sendBuffer, long sendBufferBytes, int maxUnacknowledged, long maxUnacknowledgedBytes) {}
