/** INTERNAL API: RPC through stubs: the caller's proxy and the object-side dispatch. */
package io.durableobjects.core.internal.rpc;
