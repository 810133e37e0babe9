/** INTERNAL API: the object runtime's implementation. Not for use by applications. */
package io.durableobjects.core.internal;
