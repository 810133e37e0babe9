package io.durableobjects.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.PendingAlarm;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import io.durableobjects.gateway.internal.BearerAuth;
import io.durableobjects.gateway.internal.BrowserGuard;
import io.durableobjects.gateway.internal.ChangeJson;
import io.durableobjects.gateway.internal.ErrorResponses;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API under {@code /admin/v1}, every route behind the admin token:
 *
 * <ul>
 *   <li>{@code GET namespaces}: the configured namespaces and their classes;
 *   <li>{@code GET {namespace}/objects?limit=&cursor=}: a page of the objects that have held data
 *       (from the durable catalog), with their names and whether they hold data now;
 *   <li>{@code GET {namespace}/objects/{id}?limit=&cursor=}: one object's metadata and a page of
 *       its stored entries;
 *   <li>{@code DELETE {namespace}/objects/{id}}: deletes everything the object stores.
 * </ul>
 */
public final class AdminRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_LIMIT = 100;

  private final ObjectAdmin admin;
  private final Function<String, DurableObjectNamespace> namespaces;
  private final BearerAuth auth;
  private final BrowserGuard browsers;
  private final AdminHistoryRoutes history;

  AdminRoutes(
      ObjectAdmin admin,
      Function<String, DurableObjectNamespace> namespaces,
      BearerAuth auth,
      BrowserGuard browsers) {
    this.admin = admin;
    this.namespaces = namespaces;
    this.auth = auth;
    this.browsers = browsers;
    this.history = new AdminHistoryRoutes(admin, namespaces, this);
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
                                            pathPrefix(
                                                PathMatchers.segment(), this::namespaceRoutes))))));
  }

  private Route namespaceRoutes(String namespace) {
    return pathPrefix(
        "objects",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () -> get(() -> paged((limit, cursor) -> list(namespace, limit, cursor)))),
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
                                                        : inspect(namespace, id, limit, cursor)))),
                            delete(() -> answer(() -> deleteAll(namespace, id))))),
                pathPrefix(PathMatchers.segment(), id -> history.routes(namespace, id))));
  }

  /** A paged listing: the optional {@code limit} and {@code cursor} query parameters. */
  private Route paged(
      BiFunction<Optional<String>, Optional<String>, CompletionStage<HttpResponse>> listing) {
    return parameterOptional(
        "limit",
        limit -> parameterOptional("cursor", cursor -> answer(() -> listing.apply(limit, cursor))));
  }

  private HttpResponse namespacesJson() {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("namespaces");
    for (Map.Entry<String, String> ns : admin.namespaces().entrySet()) {
      list.addObject().put("name", ns.getKey()).put("class", ns.getValue());
    }
    return json(body);
  }

  private CompletionStage<HttpResponse> list(
      String namespace, Optional<String> limit, Optional<String> cursor) {
    namespaces.apply(namespace); // 404 for an unknown namespace, before the query is judged
    return admin.listObjects(namespace, cursor, limit(limit)).thenApply(AdminRoutes::pageJson);
  }

  private CompletionStage<HttpResponse> inspect(
      String namespace, String hex, Optional<String> limit, Optional<String> cursor) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    return admin.inspect(id, cursor, limit(limit)).thenApply(AdminRoutes::inspectionJson);
  }

  private CompletionStage<HttpResponse> deleteAll(String namespace, String hex) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    return admin
        .deleteAll(id)
        .thenApply(
            keys -> {
              log.info("Admin deleted all {} keys of {}/{}", keys, namespace, id);
              ObjectNode body = JSON.createObjectNode();
              body.put("id", id.toString());
              body.put("namespace", namespace);
              body.put("deleted", true);
              body.put("keysDeleted", keys);
              return json(body);
            });
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
      return ErrorResponses.of(400, "invalid_query", e.getMessage());
    }
    log.error("Admin request failed", cause);
    return ErrorResponses.of(500, "internal_error", "the admin request failed unexpectedly");
  }

  private static HttpResponse pageJson(CatalogPage page) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode objects = body.putArray("objects");
    for (CatalogEntry entry : page.entries()) {
      ObjectNode o = objects.addObject();
      o.put("id", entry.id());
      o.put("name", entry.name().orElse(null));
      o.put("hasData", entry.hasData());
    }
    body.put("nextCursor", page.nextCursor().orElse(null));
    return json(body);
  }

  static HttpResponse inspectionJson(ObjectInspection inspection) {
    return json(inspectionBody(inspection));
  }

  static ObjectNode inspectionBody(ObjectInspection inspection) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", inspection.id());
    body.put("namespace", inspection.namespace());
    body.put("name", inspection.name().orElse(null));
    body.put("keyCount", inspection.keyCount());
    body.put("bytes", inspection.bytes());
    ArrayNode alarms = body.putArray("alarms");
    for (PendingAlarm alarm : inspection.alarms()) {
      ObjectNode a = alarms.addObject();
      a.put("name", alarm.name());
      a.put("scheduledTime", alarm.scheduledTime().toString());
      a.put("retryCount", alarm.retryCount());
      a.put("nextAttempt", alarm.nextAttempt().toString());
    }
    body.put("lastSequenceNr", inspection.lastSequenceNr());
    body.put("lastWriteTime", inspection.lastWriteTime().map(Object::toString).orElse(null));
    ArrayNode entries = body.putArray("entries");
    for (StoredEntry entry : inspection.entries()) {
      ChangeJson.entry(entries.addObject(), entry);
    }
    body.put("nextCursor", inspection.nextCursor().orElse(null));
    return body;
  }

  static HttpResponse json(ObjectNode body) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }
}
