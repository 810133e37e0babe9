/** INTERNAL API: the JSON mapper of request and response bodies, and its error messages. */
package io.durableobjects.core.internal.json;
