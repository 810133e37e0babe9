package io.durableobjects.core.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectStub;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.feed.ChangeFeeds;
import io.durableobjects.core.internal.rpc.RpcByName;
import io.durableobjects.core.internal.rpc.RpcProxies;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.javadsl.Source;

/**
 * INTERNAL API: a stub of one object: its fetches and RPC calls become {@link ObjectCommand.Call}s
 * sent by the {@link ObjectCaller}, on behalf of {@code origin}.
 */
final class ObjectStub implements DurableObjectStub {
  private final DurableObjectId id;
  private final ObjectCaller caller;
  private final CallOrigin origin;
  private final ObjectMapper mapper;
  private final String idempotencyKey;
  private final ChangeFeeds feeds;

  ObjectStub(
      DurableObjectId id,
      ObjectCaller caller,
      CallOrigin origin,
      ObjectMapper mapper,
      String idempotencyKey,
      ChangeFeeds feeds) {
    this.feeds = feeds;
    this.id = id;
    this.caller = caller;
    this.origin = origin;
    this.mapper = mapper;
    this.idempotencyKey = idempotencyKey;
  }

  @Override
  public DurableObjectStub withIdempotencyKey(String key) {
    String problem = key == null ? "the key is missing" : IdempotencyKeys.problem(key);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new ObjectStub(id, caller, origin, mapper, key, feeds);
  }

  @Override
  public Source<ObjectChange, CompletionStage<Long>> changes(long afterSequenceNr) {
    if (afterSequenceNr < -1) {
      throw new IllegalArgumentException(
          "afterSequenceNr must be -1 (from now on) or a sequence number, got " + afterSequenceNr);
    }
    return feeds.changes(id, afterSequenceNr);
  }

  @Override
  public DurableObjectId id() {
    return id;
  }

  @Override
  public CompletionStage<Response> fetch(Request request) {
    String objectName = id.name().orElse(null);
    List<String> chain = origin.callChain();
    Request keyed =
        idempotencyKey != null && request.header(IdempotencyKeys.HEADER).isEmpty()
            ? request.withHeader(IdempotencyKeys.HEADER, idempotencyKey)
            : request;
    boolean resendable = keyed.header(IdempotencyKeys.HEADER).isPresent();
    return caller
        .call(
            id,
            origin,
            replyTo -> new ObjectCommand.Fetch(objectName, keyed, chain, replyTo),
            resendable)
        .thenApply(reply -> ((FetchReply.Ok) reply).response());
  }

  @Override
  public <T> T rpc(Class<T> rpcInterface) {
    return RpcProxies.create(
        rpcInterface,
        id.name().orElse(null),
        origin::callChain,
        idempotencyKey,
        mapper,
        call -> caller.call(id, origin, call, idempotencyKey != null));
  }

  @Override
  public CompletionStage<String> rpcJson(String method, String jsonArguments) {
    return RpcByName.call(
        method,
        jsonArguments,
        id.name().orElse(null),
        origin.callChain(),
        idempotencyKey,
        mapper,
        call -> caller.call(id, origin, call, idempotencyKey != null));
  }
}
