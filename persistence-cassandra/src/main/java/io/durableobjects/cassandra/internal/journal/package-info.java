/**
 * INTERNAL API: the fenced event journal of the objects on Cassandra.
 *
 * <p>{@link io.durableobjects.cassandra.internal.journal.FencedCassandraJournal} is the Pekko
 * Persistence journal plugin; the other classes are its parts. See the journal's Javadoc for the
 * table layout and the single-writer protocol.
 */
package io.durableobjects.cassandra.internal.journal;
