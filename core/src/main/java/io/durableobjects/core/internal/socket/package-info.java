/**
 * INTERNAL API: the messages between an object and the gateway nodes that hold its WebSocket
 * connections. Not for users; may change without notice.
 */
package io.durableobjects.core.internal.socket;
