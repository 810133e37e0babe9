/** INTERNAL API: the sharded object entity (object actor + journal child). */
package io.durableobjects.core.internal.entity;
