/** INTERNAL API: the in-memory key-value state, value encoding and per-request transactions. */
package io.durableobjects.core.internal.storage;
