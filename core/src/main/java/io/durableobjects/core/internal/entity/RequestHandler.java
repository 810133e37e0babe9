package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObject;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.ObjectHandlers;
import io.durableobjects.core.internal.rpc.RpcDispatch;
import java.util.concurrent.CompletableFuture;

/**
 * INTERNAL API: the object's own requests: a fetch ({@link ObjectCommand.Fetch}), an RPC ({@link
 * ObjectCommand.Invoke}) and a WebSocket upgrade ({@link ObjectCommand.Upgrade}, a fetch that may
 * accept the socket: it is then answered 101, and refused if it answers 101 without accepting).
 * Re-entrant calls run here too, inside the running call's transaction.
 */
final class RequestHandler implements CallHandler {
  private static final FetchReply UPGRADE_ACCEPTED = new FetchReply.Ok(Response.status(101));

  private final RpcDispatch rpc;

  RequestHandler(RpcDispatch rpc) {
    this.rpc = rpc;
  }

  @Override
  public CompletableFuture<FetchReply> run(ObjectCommand.Call call, Turn turn) throws Exception {
    return run(call, turn.instance().object());
  }

  /** Runs the user's code for a call; the result is the reply to send once it is durable. */
  CompletableFuture<FetchReply> run(ObjectCommand.Call call, DurableObject object)
      throws Exception {
    if (call instanceof ObjectCommand.Invoke invoke) {
      return rpc.invoke(object, invoke);
    }
    Request request =
        call instanceof ObjectCommand.Upgrade upgrade
            ? upgrade.request()
            : ((ObjectCommand.Fetch) call).request();
    return ObjectHandlers.fetch(object, request).thenApply(FetchReply.Ok::new);
  }

  @Override
  public Outcome finish(ObjectCommand.Call call, Turn turn, Outcome outcome) {
    if (outcome.failure() != null || !(call instanceof ObjectCommand.Upgrade)) {
      return outcome;
    }
    if (turn.instance().sockets().accepted()) {
      return new Outcome(UPGRADE_ACCEPTED, null);
    }
    if (outcome.reply() instanceof FetchReply.Ok ok && ok.response().status() == 101) {
      return new Outcome(
          null,
          new ObjectFailedException(
              "the object answered 101 without accepting the WebSocket (state.acceptWebSocket)"));
    }
    return outcome;
  }
}
