package io.durableobjects.examples;

import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Router;
import io.durableobjects.core.Storage;
import io.durableobjects.core.StorageKey;

/**
 * The seed's counter: {@code POST /increment} adds one and answers the new count; {@code GET /}
 * answers the current count. Each increment is durable before its answer is sent.
 *
 * <pre>
 * curl -X POST localhost:8080/v1/counter/by-name/a/increment   # 1
 * curl localhost:8080/v1/counter/by-name/a/                    # 1
 * </pre>
 */
public final class Counter implements FetchHandler {
  private static final StorageKey<Long> COUNT = StorageKey.of("count", Long.class);

  private final Storage storage;
  private final Router<Response> router =
      Router.create()
          .post("/increment", request -> Response.text(Long.toString(increment())))
          .get("/", request -> Response.text(Long.toString(count())));

  public Counter(DurableObjectState state) {
    this.storage = state.storage();
  }

  @Override
  public Response fetch(Request request) throws Exception {
    return router.fetch(request);
  }

  private long increment() {
    long next = count() + 1;
    storage.put(COUNT, next);
    return next;
  }

  private long count() {
    return storage.get(COUNT).orElse(0L);
  }
}
