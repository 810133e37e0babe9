package io.durableobjects.gateway.internal;

import java.time.Duration;

/**
 * INTERNAL API: how long a client WebSocket's connection waits.
 *
 * @param delivery for the object to confirm a client message; past it the message counts as lost
 *     (the socket closes with an error message)
 * @param streamStart for the client's stream to start once the object accepted the socket (Pekko
 *     HTTP starts it as it sends the 101, within milliseconds); past it the client is taken to have
 *     left before the 101, and the object is told the socket closed (1006)
 */
public record SocketTimeouts(Duration delivery, Duration streamStart) {}
