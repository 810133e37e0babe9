package io.durableobjects.gateway;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectNamespace;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.gateway.internal.ChangeJson;
import io.durableobjects.gateway.internal.ErrorResponses;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The change feed over HTTP: {@code GET /v1/{namespace}/changes/by-name/{name}} and {@code
 * .../changes/by-id/{id}} answer {@code text/event-stream}, one event per committed transaction
 * ({@link io.durableobjects.core.DurableObjectStub#changes}): its sequence number as the event's
 * {@code id}, its JSON ({@link ChangeJson}) as the data.
 *
 * <p>Without a resume point the feed starts at the present. {@code Last-Event-ID} (what a browser's
 * {@code EventSource} sends when it reconnects) resumes after that event; {@code ?from=<seq>}
 * starts at that sequence number (1: the whole history kept). Both replay from the journal and then
 * continue live with no gap and no duplicate. A feed that cannot go on (its history is gone, the
 * client fell far behind) ends with an {@code error} event whose data is the usual error JSON.
 * Access is the object's own: the same token, namespace and name checks ({@link ObjectChecks}).
 */
final class ChangeFeedRoutes extends AllDirectives {
  /** A comment on a quiet feed, so that proxies keep the connection and clients see it alive. */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final ObjectChecks checks;

  ChangeFeedRoutes(ObjectChecks checks) {
    this.checks = checks;
  }

  /** The routes below {@code /v1/{namespace}/changes}. */
  Route route(String namespace) {
    return get(
        () ->
            concat(
                pathPrefix(
                    "by-name",
                    () -> path(PathMatchers.segment(), name -> feed(namespace, name, null))),
                pathPrefix(
                    "by-id", () -> path(PathMatchers.segment(), id -> feed(namespace, null, id)))));
  }

  private Route feed(String namespaceName, String name, String hex) {
    return extractRequest(
        http ->
            parameterOptional(
                "from",
                from -> {
                  DurableObjectId id;
                  long after;
                  try {
                    DurableObjectNamespace namespace = checks.admitted(http, namespaceName);
                    id = ObjectChecks.idOf(namespace, name, hex);
                    after = resumeAfter(http, from);
                    Source<ServerSentEvent, NotUsed> events =
                        namespace
                            .get(id)
                            .changes(after)
                            .map(ChangeFeedRoutes::event)
                            .recover(
                                new PFBuilder<Throwable, ServerSentEvent>()
                                    .match(DurableObjectException.class, ChangeFeedRoutes::error)
                                    .build())
                            .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat)
                            .mapMaterializedValue(subscribed -> NotUsed.getInstance());
                    return completeOK(events, EventStreamMarshalling.toEventStream());
                  } catch (ObjectChecks.Refused refused) {
                    return complete(refused.response);
                  } catch (IllegalArgumentException e) {
                    return complete(ErrorResponses.of(400, "invalid_query", e.getMessage()));
                  }
                }));
  }

  /**
   * The last sequence number the client has: {@code Last-Event-ID}, else one before {@code from};
   * -1 for neither (the present).
   */
  static long resumeAfter(HttpRequest http, Optional<String> from) {
    Optional<String> lastEventId = http.getHeader("Last-Event-ID").map(h -> h.value().trim());
    if (lastEventId.isPresent() && !lastEventId.get().isEmpty()) {
      return sequenceNr(lastEventId.get(), "the Last-Event-ID header");
    }
    if (from.isPresent()) {
      long first = sequenceNr(from.get(), "from");
      if (first < 1) {
        throw new IllegalArgumentException("from must be a sequence number of 1 or more, got 0");
      }
      return first - 1;
    }
    return -1;
  }

  /** {@code raw} as a sequence number (0 or more), else an error that names {@code what}. */
  static long sequenceNr(String raw, String what) {
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(
        what
            + " must be a sequence number (a whole number, 0 or more), got '"
            + ErrorResponses.shorten(raw)
            + "'");
  }

  private static ServerSentEvent event(ObjectChange change) {
    return ServerSentEvent.create(
        ChangeJson.of(change).toString(),
        Optional.empty(),
        Optional.of(Long.toString(change.sequenceNr())),
        OptionalInt.empty());
  }

  private static ServerSentEvent error(DurableObjectException e) {
    return ServerSentEvent.create(
        ErrorResponses.body(e.code(), ErrorResponses.shorten(e.getMessage())), "error");
  }
}
