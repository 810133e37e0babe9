package io.durableobjects.core.spi;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * The durable list of the objects of every namespace that have ever held data, kept by the runtime
 * and read by the admin API. It lives in the same store as the journal.
 *
 * <p>The runtime records an object when its first write becomes durable, when it becomes empty
 * again (a {@code deleteAll}), and each time it is activated holding data (which repairs an entry
 * lost to a crash between the journal write and the catalog write). Records are upserts; they are
 * off the request path and may be retried, so implementations must be idempotent.
 *
 * <p>An implementation is a public class with a public constructor taking the node's {@code
 * org.apache.pekko.actor.typed.ActorSystem<?>}, named by {@code durable-objects.catalog.class}. Its
 * methods may be called from any thread.
 */
public interface ObjectCatalog {

  /**
   * Creates or updates the entry of {@code entry.namespace()} / {@code entry.id()}. An entry
   * without a name never erases a name recorded earlier.
   */
  CompletionStage<Done> record(CatalogEntry entry);

  /**
   * One page of a namespace's entries, in ascending order of ID.
   *
   * @param namespace the namespace
   * @param afterId only entries whose ID is greater than this one (the previous page's cursor);
   *     empty for the first page
   * @param limit the most entries to return, at least 1
   * @return the page; its {@code nextCursor} is present when more entries may follow
   */
  default CompletionStage<CatalogPage> list(String namespace, Optional<String> afterId, int limit) {
    return list(namespace, "", afterId, limit);
  }

  /**
   * One page of a namespace's entries whose ID starts with {@code idPrefix}, in ascending order of
   * ID. The operator console searches by it; an implementation should read only the range of IDs
   * the prefix covers, not filter a scan of the namespace.
   *
   * @param namespace the namespace
   * @param idPrefix 0 to 64 lowercase hex characters ({@link IdPrefix}); empty for every entry
   * @param afterId only entries whose ID is greater than this one (the previous page's cursor);
   *     empty for the first page
   * @param limit the most entries to return, at least 1
   * @return the page; its {@code nextCursor} is present when more entries may follow
   * @throws IllegalArgumentException (failing the stage) if the prefix is not lowercase hex or
   *     longer than an ID
   */
  CompletionStage<CatalogPage> list(
      String namespace, String idPrefix, Optional<String> afterId, int limit);

  /**
   * Completes normally when the store answers a trivial query, exceptionally otherwise. The node's
   * readiness check uses it: the catalog lives where the journal does.
   */
  CompletionStage<Done> ping();
}
