package io.durableobjects.examples;

import io.durableobjects.core.DurableObject;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;

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
  private static final String COUNT = "count";

  private final DurableObjectState state;

  public Counter(DurableObjectState state) {
    this.state = state;
  }

  @Override
  public Response fetch(Request request) {
    String path = request.path();
    if (path.equals("/increment")) {
      if (!request.method().equals("POST")) {
        return methodNotAllowed("POST");
      }
      long next = count() + 1;
      state.storage().put(COUNT, next);
      return Response.text(Long.toString(next));
    }
    if (path.equals("/")) {
      if (!request.method().equals("GET")) {
        return methodNotAllowed("GET");
      }
      return Response.text(Long.toString(count()));
    }
    return Response.status(404).withBody("no such route: " + path);
  }

  private long count() {
    return state.storage().get(COUNT, Long.class).orElse(0L);
  }

  private static Response methodNotAllowed(String allowed) {
    return Response.status(405).withHeader("Allow", allowed).withBody("use " + allowed);
  }
}
