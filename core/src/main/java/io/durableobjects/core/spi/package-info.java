/**
 * Service provider interfaces between the object runtime and the modules around it:
 *
 * <ul>
 *   <li>what the runtime needs from a storage backend beyond the Pekko Persistence journal ({@link
 *       io.durableobjects.core.spi.ObjectCatalog}, {@link io.durableobjects.core.spi.AlarmIndex}):
 *       the Cassandra module implements them; a node finds the implementation through configuration
 *       ({@code durable-objects.catalog.class});
 *   <li>what a gateway needs to hold client WebSockets for objects ({@link
 *       io.durableobjects.core.spi.ClientSockets}): the runtime implements it;
 *   <li>what both log of client input ({@link io.durableobjects.core.spi.LogText}).
 * </ul>
 */
package io.durableobjects.core.spi;
