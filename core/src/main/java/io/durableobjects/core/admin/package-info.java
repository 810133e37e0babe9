/**
 * Operator access to objects: list a namespace's objects, inspect one object's stored keys and
 * metadata, and delete everything an object stores. Obtain it with {@code
 * DurableObjects.get(system).admin()}; the HTTP gateway serves it under {@code /admin/v1}.
 */
package io.durableobjects.core.admin;
