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

  /**
   * One page of the object's history, from the journal (the object is not activated): its
   * transactions from {@code fromSequenceNr} on. How far back it goes is the namespace's {@code
   * history.retention}; without it, the journal keeps the transactions since the object's oldest
   * kept snapshot.
   *
   * @param fromSequenceNr the first sequence number of the page; 0 for the oldest kept
   * @param limit 1 to {@link #MAX_PAGE_SIZE} transactions read (those that change nothing shown
   *     count too)
   */
  CompletionStage<HistoryPage> history(DurableObjectId id, long fromSequenceNr, int limit);

  /**
   * The object as it was at {@code asOf} (a sequence number, or an ISO-8601 instant), read from its
   * snapshots and journal without touching the running object: one page of its entries.
   *
   * @throws IllegalArgumentException if {@code asOf}, the limit or the cursor is malformed; the
   *     stage fails with a {@link io.durableobjects.core.DurableObjectException} 410 {@code
   *     history_gone} if the journal no longer holds that point
   */
  CompletionStage<PastInspection> inspectAsOf(
      DurableObjectId id, String asOf, Optional<String> afterKey, int limit);

  /**
   * Restores the object's keys and alarms to what they were at {@code asOf}, as one transaction of
   * the object (so the restore is itself in its history, and can be undone the same way).
   *
   * @return the sequence number restored, once the restore is durable
   */
  CompletionStage<Long> restore(DurableObjectId id, String asOf);

  /**
   * Copies the keys and alarms {@code source} had at {@code asOf} into {@code target} (of the same
   * namespace), replacing whatever it holds, as one transaction of {@code target}.
   *
   * @return the sequence number of {@code source} copied, once the copy is durable
   */
  CompletionStage<Long> fork(DurableObjectId source, String asOf, DurableObjectId target);

  /** Completes normally when the store holding the journal and catalog answers. */
  CompletionStage<Done> ping();
}
