package io.durableobjects.core.internal.entity;

import io.durableobjects.core.DurableObjectEnv;
import io.durableobjects.core.DurableObjectId;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.Storage;
import io.durableobjects.core.internal.CallOrigin;
import io.durableobjects.core.internal.CallingEnv;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * INTERNAL API: the {@link DurableObjectState} handed to an object's constructor. The stages of
 * {@link #blockConcurrencyWhile} go to its {@link ConcurrencyBlocker}, so the entity can hold calls
 * back until they end.
 */
final class ObjectStateImpl implements DurableObjectState {
  private static final io.durableobjects.core.Response SWITCHING_PROTOCOLS =
      io.durableobjects.core.Response.status(101);

  private final DurableObjectId id;
  private final ObjectStorage storage;
  private final Supplier<DurableObjects> env;
  // Read by stubs on whatever thread the object's continuation runs on.
  private volatile List<String> callChain = List.of();

  private final ObjectSockets sockets;
  private final OutgoingCallGate.Instance outputGate;
  private final ConcurrencyBlocker blocker;
  // What calls made through env() carry and wait for.
  private final CallOrigin origin =
      new CallOrigin() {
        @Override
        public List<String> callChain() {
          return callChain;
        }

        @Override
        public CompletionStage<Void> outputGate() {
          return outputGate.whenDurable();
        }
      };

  ObjectStateImpl(
      DurableObjectId id,
      ObjectStorage storage,
      Supplier<DurableObjects> env,
      ObjectSockets sockets,
      OutgoingCallGate.Instance outputGate) {
    this.id = id;
    this.storage = storage;
    this.env = env;
    this.sockets = sockets;
    this.outputGate = outputGate;
    this.blocker = new ConcurrencyBlocker(storage);
  }

  @Override
  public io.durableobjects.core.Response acceptWebSocket(
      io.durableobjects.core.Request request,
      java.util.function.Consumer<io.durableobjects.core.WebSocket> setup,
      String... tags) {
    if (setup == null) {
      throw new IllegalArgumentException("the socket's setup must not be null");
    }
    setup.accept(sockets.accept(request, tags));
    return SWITCHING_PROTOCOLS;
  }

  @Override
  public List<io.durableobjects.core.WebSocket> getWebSockets() {
    return sockets.list(null);
  }

  @Override
  public List<io.durableobjects.core.WebSocket> getWebSockets(String tag) {
    if (tag == null) {
      throw new IllegalArgumentException("the tag must not be null");
    }
    return sockets.list(tag);
  }

  @Override
  public void setWebSocketAutoResponse(String request, String response) {
    sockets.setAutoResponse(request, response);
  }

  @Override
  public DurableObjectEnv env() {
    return new CallingEnv(env.get(), origin);
  }

  /** The chain that calls made by the object's current request carry. */
  void callChain(List<String> chain) {
    callChain = chain;
  }

  List<String> callChain() {
    return callChain;
  }

  /** The output gate of this instance: what it sends during a request passes it. */
  OutgoingCallGate.Instance outputGate() {
    return outputGate;
  }

  @Override
  public DurableObjectId id() {
    return id;
  }

  @Override
  public Storage storage() {
    return storage;
  }

  @Override
  public <T> CompletionStage<T> blockConcurrencyWhile(Supplier<? extends CompletionStage<T>> body) {
    return blocker.block(body);
  }

  /** Ends the constructor phase; the stage completes when every blocker has. */
  CompletableFuture<Void> endConstruction() {
    return blocker.endConstruction();
  }

  ConcurrencyBlocker blocker() {
    return blocker;
  }
}
