package io.durableobjects.core.admin;

import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.spi.CatalogPage;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * Operator access to the objects of a node's namespaces. Inspection and deletion go through the
 * object itself, in turn with its requests (the input gate), so they see and change exactly its
 * committed state; the listing reads the durable {@link io.durableobjects.core.spi.ObjectCatalog}.
 */
public interface ObjectAdmin {

  /** The largest page any listing returns. */
  int MAX_PAGE_SIZE = 1000;

  /** The configured namespaces, by name, with the fully qualified name of their object class. */
  Map<String, String> namespaces();

  /**
   * One page of the objects of a namespace that have held data, in ascending order of ID.
   *
   * @param afterId the previous page's cursor, or empty for the first page
   * @param limit 1 to {@link #MAX_PAGE_SIZE}
   * @throws io.durableobjects.core.UnknownNamespaceException if the namespace is not configured
   * @throws IllegalArgumentException if the limit or cursor is malformed
   */
  default CompletionStage<CatalogPage> listObjects(
      String namespace, Optional<String> afterId, int limit) {
    return listObjects(namespace, "", afterId, limit);
  }

  /**
   * One page of the objects of a namespace that have held data and whose ID starts with {@code
   * idPrefix}, in ascending order of ID.
   *
   * @param idPrefix 0 to 64 lowercase hex characters; empty for every object
   * @param afterId the previous page's cursor, or empty for the first page
   * @param limit 1 to {@link #MAX_PAGE_SIZE}
   * @throws io.durableobjects.core.UnknownNamespaceException if the namespace is not configured
   * @throws IllegalArgumentException if the prefix, limit or cursor is malformed
   */
  CompletionStage<CatalogPage> listObjects(
      String namespace, String idPrefix, Optional<String> afterId, int limit);

  /**
   * How many objects of the namespace are in memory on each node, from Cluster Sharding's
   * statistics (each node's regions answer within the ask timeout; see {@link
   * ActiveObjects#unansweredShards}).
   *
   * @throws io.durableobjects.core.UnknownNamespaceException if the namespace is not configured
   */
  CompletionStage<ActiveObjects> activeObjects(String namespace);

  /**
   * The object's metadata and one page of its stored entries, in key order. Activates the object.
   *
   * @param afterKey only keys after this one (the previous page's cursor), or empty
   * @param limit 1 to {@link #MAX_PAGE_SIZE}
   */
  CompletionStage<ObjectInspection> inspect(
      DurableObjectId id, Optional<String> afterKey, int limit);

  /**
   * Deletes every key the object stores (its alarms included), as one durable transaction.
   *
   * @return the number of keys deleted, once the deletion is durable
   */
  CompletionStage<Integer> deleteAll(DurableObjectId id);

  /** Completes normally when the store holding the journal and catalog answers. */
  CompletionStage<Done> ping();
}
