/**
 * INTERNAL API
 *
 * <p>Helpers of {@code io.durableobjects.cassandra}: CQL name and replication validation, and
 * parsing of {@code schema.cql}. Not for use outside this module; anything here may change without
 * notice.
 */
package io.durableobjects.cassandra.internal;
