/**
 * Service provider interfaces: what the object runtime needs from a storage backend beyond the
 * Pekko Persistence journal. The Cassandra module implements them; a node finds the implementation
 * through configuration ({@code durable-objects.catalog.class}).
 */
package io.durableobjects.core.spi;
