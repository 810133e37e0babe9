/** INTERNAL API: translation between HTTP and object requests, and error shaping. */
package io.durableobjects.gateway.internal;
