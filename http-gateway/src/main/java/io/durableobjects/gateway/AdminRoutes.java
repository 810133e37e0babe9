package io.durableobjects.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.admin.ActiveObjects;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.core.spi.IdPrefix;
import io.durableobjects.gateway.internal.AdminJson;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.BrowserGuard;
import io.durableobjects.gateway.internal.ClusterView;
import io.durableobjects.gateway.internal.ErrorResponses;
import io.durableobjects.gateway.internal.NodeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@code /admin/v1}, every route behind the admin token (see openapi.yaml):
 *
 * <ul>
 *   <li>{@code GET namespaces}: the configured namespaces and their classes;
 *   <li>{@code GET cluster}: the members as this node sees them, and the objects active on each;
 *   <li>{@code GET metrics}: this node's headline metrics ({@link NodeMetrics});
 *   <li>{@code GET {namespace}/stats}: objects active (Cluster Sharding) and stored (catalog);
 *   <li>{@code GET {namespace}/objects?prefix=&limit=&cursor=}: a page of the objects that have
 *       held data (from the durable catalog), whose ID starts with the hex prefix if one is given,
 *       with their names and whether they hold data now; {@code ?name=} instead: the object of that
 *       name;
 *   <li>{@code GET {namespace}/objects/{id}?limit=&cursor=}: one object's metadata, alarms, open
 *       WebSockets and a page of its stored entries;
 *   <li>{@code DELETE {namespace}/objects/{id}}: deletes everything the object stores.
 * </ul>
 */
public final class AdminRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final int DEFAULT_LIMIT = 100;

  /**
   * How many catalog entries {@code stats} reads to count a namespace's stored objects: beyond it,
   * the count is a lower bound ({@code storedObjectsExact: false}). One page of the catalog.
   */
  static final int STATS_SCAN = ObjectAdmin.MAX_PAGE_SIZE;

  private final ObjectAdmin admin;
  private final Function<String, DurableObjectNamespace> namespaces;
  private final BearerAuth auth;
  private final BrowserGuard browsers;
  private final AdminHistoryRoutes history;
  private final ClusterView cluster;
  private final NodeMetrics metrics;

  AdminRoutes(
      ObjectAdmin admin,
      Function<String, DurableObjectNamespace> namespaces,
      BearerAuth auth,
      BrowserGuard browsers,
      ClusterView cluster,
      NodeMetrics metrics) {
    this.admin = admin;
    this.namespaces = namespaces;
    this.auth = auth;
    this.browsers = browsers;
    this.history = new AdminHistoryRoutes(admin, namespaces, this);
    this.cluster = cluster;
    this.metrics = metrics;
  }

  public Route route() {
    return pathPrefix(
        "admin",
        () ->
            pathPrefix(
                "v1",
                () ->
                    extractRequest(
                        http ->
                            browsers
                                .checkOrigin(http)
                                .map(BrowserGuard.Refusal::response)
                                .or(() -> auth.checkAdmin(http))
                                .map(this::complete)
                                .orElseGet(
                                    () ->
                                        concat(
                                            path(
                                                "namespaces",
                                                () -> get(() -> complete(namespacesJson()))),
                                            path(
                                                "cluster",
                                                () -> get(() -> answer(this::clusterJson))),
                                            path(
                                                "metrics",
                                                () -> get(() -> answer(this::metricsJson))),
                                            pathPrefix(
                                                PathMatchers.segment(), this::namespaceRoutes))))));
  }

  private Route namespaceRoutes(String namespace) {
    return concat(
        path("stats", () -> get(() -> answer(() -> stats(namespace)))),
        pathPrefix(
            "objects",
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(() -> search(namespace))),
                    path(
                        PathMatchers.segment(),
                        id ->
                            concat(
                                get(
                                    () ->
                                        parameterOptional(
                                            "asOf",
                                            asOf ->
                                                paged(
                                                    (limit, cursor) ->
                                                        asOf.isPresent()
                                                            ? history.inspectAsOf(
                                                                namespace,
                                                                id,
                                                                asOf.get(),
                                                                limit(limit),
                                                                cursor)
                                                            : inspect(
                                                                namespace, id, limit, cursor)))),
                                delete(() -> answer(() -> deleteAll(namespace, id))))),
                    pathPrefix(PathMatchers.segment(), id -> history.routes(namespace, id)))));
  }

  /** The listing: by {@code name}, or a page of the IDs that start with {@code prefix}. */
  private Route search(String namespace) {
    return parameterOptional(
        "name",
        name ->
            parameterOptional(
                "prefix",
                prefix ->
                    paged(
                        (limit, cursor) -> {
                          if (name.isPresent()) {
                            if (prefix.isPresent() || cursor.isPresent()) {
                              throw new IllegalArgumentException(
                                  "'name' finds one object: it takes no 'prefix' or 'cursor'");
                            }
                            return byName(namespace, name.get());
                          }
                          return list(namespace, prefix.orElse(""), limit, cursor);
                        })));
  }

  /** A paged listing: the optional {@code limit} and {@code cursor} query parameters. */
  private Route paged(
      BiFunction<Optional<String>, Optional<String>, CompletionStage<HttpResponse>> listing) {
    return parameterOptional(
        "limit",
        limit -> parameterOptional("cursor", cursor -> answer(() -> listing.apply(limit, cursor))));
  }

  private HttpResponse namespacesJson() {
    ObjectNode body = AdminJson.object();
    ArrayNode list = body.putArray("namespaces");
    for (Map.Entry<String, String> ns : admin.namespaces().entrySet()) {
      list.addObject().put("name", ns.getKey()).put("class", ns.getValue());
    }
    return AdminJson.response(body);
  }

  private CompletionStage<HttpResponse> list(
      String namespace, String prefix, Optional<String> limit, Optional<String> cursor) {
    namespaces.apply(namespace); // 404 for an unknown namespace, before the query is judged
    // IDs are lowercase; a prefix copied in uppercase means the same IDs.
    String idPrefix = new IdPrefix(prefix.toLowerCase(Locale.ROOT)).value();
    return admin
        .listObjects(namespace, idPrefix, cursor, limit(limit))
        .thenApply(page -> AdminJson.response(AdminJson.page(page)));
  }

  /** The object of a name: its ID, and what the catalog knows of it, if anything. */
  private CompletionStage<HttpResponse> byName(String namespace, String name) {
    DurableObjectId id = namespaces.apply(namespace).idFromName(name);
    return admin
        .listObjects(namespace, id.toString(), Optional.empty(), 1)
        .thenApply(
            page -> {
              ObjectNode body = AdminJson.object();
              ObjectNode o = body.putArray("objects").addObject();
              o.put("id", id.toString());
              o.put("name", name);
              o.put("hasData", !page.entries().isEmpty() && page.entries().get(0).hasData());
              o.put("catalogued", !page.entries().isEmpty());
              body.putNull("nextCursor");
              return AdminJson.response(body);
            });
  }

  private CompletionStage<HttpResponse> inspect(
      String namespace, String hex, Optional<String> limit, Optional<String> cursor) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    return admin
        .inspect(id, cursor, limit(limit))
        .thenApply(inspection -> AdminJson.response(AdminJson.inspection(inspection)));
  }

  private CompletionStage<HttpResponse> deleteAll(String namespace, String hex) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    return admin
        .deleteAll(id)
        .thenApply(
            keys -> {
              log.info("Admin deleted all {} keys of {}/{}", keys, namespace, id);
              ObjectNode body = AdminJson.object();
              body.put("id", id.toString());
              body.put("namespace", namespace);
              body.put("deleted", true);
              body.put("keysDeleted", keys);
              return AdminJson.response(body);
            });
  }

  /** Objects active (sharding's statistics) and stored (one bounded page of the catalog). */
  private CompletionStage<HttpResponse> stats(String namespace) {
    String objectClass = admin.namespaces().get(namespaces.apply(namespace).name());
    CompletionStage<CatalogPage> stored =
        admin.listObjects(namespace, "", Optional.empty(), STATS_SCAN);
    return admin
        .activeObjects(namespace)
        .thenCombine(
            stored,
            (active, page) ->
                AdminJson.response(
                    AdminJson.stats(
                        namespace,
                        objectClass,
                        active,
                        page.entries().stream().filter(CatalogEntry::hasData).count(),
                        page.nextCursor().isEmpty(),
                        page.entries().size())));
  }

  /** The members, and the objects active on each node (all namespaces together). */
  private CompletionStage<HttpResponse> clusterJson() {
    ClusterView.State state = cluster.state();
    List<CompletableFuture<ActiveObjects>> counts = new ArrayList<>();
    for (String namespace : admin.namespaces().keySet()) {
      counts.add(admin.activeObjects(namespace).toCompletableFuture());
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              ObjectNode body = AdminJson.object();
              body.put("self", state.self());
              body.put("leader", state.leader().orElse(null));
              Map<String, Integer> byNode = new TreeMap<>();
              ObjectNode byNamespace = AdminJson.object();
              int unanswered = 0;
              for (CompletableFuture<ActiveObjects> count : counts) {
                ActiveObjects active = count.join();
                active.byNode().forEach((node, n) -> byNode.merge(node, n, Integer::sum));
                byNamespace.put(active.namespace(), active.total());
                unanswered += active.unansweredShards();
              }
              ArrayNode members = body.putArray("members");
              for (ClusterView.Member m : state.members()) {
                ObjectNode member = members.addObject();
                member.put("address", m.address());
                member.put("status", m.status());
                m.roles().forEach(member.putArray("roles")::add);
                member.put("dataCenter", m.dataCenter());
                member.put("reachable", m.reachable());
                member.put("activeObjects", byNode.getOrDefault(m.address(), 0));
              }
              body.set("activeObjectsByNamespace", byNamespace);
              body.put("unansweredShards", unanswered);
              return AdminJson.response(body);
            });
  }

  private CompletionStage<HttpResponse> metricsJson() {
    ObjectNode body = metrics.reading();
    body.put("node", cluster.state().self());
    return CompletableFuture.completedFuture(AdminJson.response(body));
  }

  static int limit(Optional<String> raw) {
    if (raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(raw.get());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > ObjectAdmin.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "the limit must be a whole number from 1 to "
              + ObjectAdmin.MAX_PAGE_SIZE
              + ", got '"
              + ErrorResponses.shorten(raw.get())
              + "'");
    }
    return limit;
  }

  /** Runs an admin call; maps bad input to 400 and known failures to their status. */
  Route answer(Supplier<CompletionStage<HttpResponse>> call) {
    CompletionStage<HttpResponse> response;
    try {
      response = call.get();
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    return completeWithFuture(response.exceptionally(AdminRoutes::failure));
  }

  private static HttpResponse failure(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof DurableObjectException e) {
      return ErrorResponses.of(e.status(), e.code(), ErrorResponses.shorten(e.getMessage()));
    }
    if (cause instanceof IllegalArgumentException e) {
      return ErrorResponses.of(400, "invalid_query", ErrorResponses.shorten(e.getMessage()));
    }
    log.error("Admin request failed", cause);
    return ErrorResponses.of(500, "internal_error", "the admin request failed unexpectedly");
  }
}
