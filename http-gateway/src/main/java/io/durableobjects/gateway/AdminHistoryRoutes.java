package io.durableobjects.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.admin.HistoryPage;
import io.durableobjects.core.admin.ObjectAdmin;
import io.durableobjects.core.admin.PastInspection;
import io.durableobjects.gateway.internal.AdminJson;
import io.durableobjects.gateway.internal.ChangeJson;
import io.durableobjects.gateway.internal.ErrorResponses;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin API's history of an object, under {@code /admin/v1/{namespace}/objects/{id}} (behind
 * {@link AdminRoutes}' checks):
 *
 * <ul>
 *   <li>{@code GET ...?asOf=<seq | ISO instant>&limit=&cursor=}: the object as it was then (the
 *       inspection's JSON plus {@code asOf: {sequenceNr, time}}), from the journal, without
 *       touching the running object;
 *   <li>{@code GET .../history?from=&limit=}: a page of its transactions ({@link ChangeJson});
 *   <li>{@code POST .../restore?asOf=}: one transaction that puts the object back as it was then;
 *   <li>{@code POST .../fork?asOf=&name=}: the same into another object of the namespace (named
 *       {@code name}, else a new unique ID).
 * </ul>
 */
final class AdminHistoryRoutes extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectAdmin admin;
  private final Function<String, DurableObjectNamespace> namespaces;
  private final AdminRoutes answers;

  AdminHistoryRoutes(
      ObjectAdmin admin, Function<String, DurableObjectNamespace> namespaces, AdminRoutes answers) {
    this.admin = admin;
    this.namespaces = namespaces;
    this.answers = answers;
  }

  Route routes(String namespace, String hex) {
    return concat(
        path(
            "history",
            () ->
                get(
                    () ->
                        parameterOptional(
                            "from",
                            from ->
                                parameterOptional(
                                    "limit",
                                    limit ->
                                        answers.answer(
                                            () -> history(namespace, hex, from, limit)))))),
        path(
            "restore",
            () ->
                post(
                    () ->
                        parameterOptional(
                            "asOf", asOf -> answers.answer(() -> restore(namespace, hex, asOf))))),
        path(
            "fork",
            () ->
                post(
                    () ->
                        parameterOptional(
                            "asOf",
                            asOf ->
                                parameterOptional(
                                    "name",
                                    name ->
                                        answers.answer(() -> fork(namespace, hex, asOf, name)))))));
  }

  CompletionStage<HttpResponse> inspectAsOf(
      String namespace, String hex, String asOf, int limit, Optional<String> cursor) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    return admin
        .inspectAsOf(id, asOf, cursor, limit)
        .thenApply(
            past -> {
              ObjectNode body = AdminJson.inspection(past.inspection());
              body.set("asOf", point(past));
              return AdminJson.response(body);
            });
  }

  private CompletionStage<HttpResponse> history(
      String namespace, String hex, Optional<String> from, Optional<String> limit) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    long first = from.map(raw -> ChangeFeedRoutes.sequenceNr(raw, "from")).orElse(0L);
    return admin.history(id, first, AdminRoutes.limit(limit)).thenApply(this::historyJson);
  }

  private HttpResponse historyJson(HistoryPage page) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", page.id());
    body.put("namespace", page.namespace());
    body.put("oldestSequenceNr", page.oldestSequenceNr());
    body.put("lastSequenceNr", page.lastSequenceNr());
    ArrayNode transactions = body.putArray("transactions");
    for (ObjectChange change : page.transactions()) {
      transactions.add(ChangeJson.of(change));
    }
    if (page.nextSequenceNr().isPresent()) {
      body.put("nextCursor", Long.toString(page.nextSequenceNr().getAsLong()));
    } else {
      body.putNull("nextCursor");
    }
    return AdminJson.response(body);
  }

  private CompletionStage<HttpResponse> restore(
      String namespace, String hex, Optional<String> asOf) {
    DurableObjectId id = namespaces.apply(namespace).idFromString(hex);
    // A missing asOf is refused by the admin API (400, saying what to give).
    return admin
        .restore(id, asOf.orElse(null))
        .thenApply(restored -> restoredJson(id, id, restored));
  }

  private CompletionStage<HttpResponse> fork(
      String namespace, String hex, Optional<String> asOf, Optional<String> name) {
    DurableObjectNamespace ns = namespaces.apply(namespace);
    DurableObjectId source = ns.idFromString(hex);
    DurableObjectId target = name.map(ns::idFromName).orElseGet(ns::newUniqueId);
    if (target.equals(source)) {
      throw new IllegalArgumentException(
          "a fork goes into another object: name '"
              + ErrorResponses.shorten(name.orElse(""))
              + "' is the source itself (use restore)");
    }
    return admin
        .fork(source, asOf.orElse(null), target)
        .thenApply(restored -> restoredJson(source, target, restored));
  }

  private static HttpResponse restoredJson(DurableObjectId from, DurableObjectId into, long seq) {
    ObjectNode body = JSON.createObjectNode();
    body.put("namespace", into.namespace());
    body.put("id", into.toString());
    into.name().ifPresent(name -> body.put("name", name));
    body.put("source", from.toString());
    body.put("restoredSequenceNr", seq);
    return AdminJson.response(body);
  }

  private static ObjectNode point(PastInspection past) {
    ObjectNode asOf = JSON.createObjectNode();
    asOf.put("sequenceNr", past.sequenceNr());
    asOf.put("time", past.time().map(Object::toString).orElse(null));
    return asOf;
  }
}
