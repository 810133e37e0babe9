/** INTERNAL API: serialization of cluster messages, journal events and snapshots. */
package io.durableobjects.core.internal.serialization;
