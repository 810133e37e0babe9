/**
 * INTERNAL API
 *
 * <p>The parts of {@link io.durableobjects.cassandra.embedded.EmbeddedCassandra}: classpath
 * resolution, generated configuration files, the JVM command line, the data directory lock, port
 * selection, the CQL readiness probe and the main class of the forked JVM. Not for use outside this
 * module; anything here may change without notice.
 */
package io.durableobjects.cassandra.embedded.internal;
