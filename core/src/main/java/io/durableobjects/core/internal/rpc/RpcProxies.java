package io.durableobjects.core.internal.rpc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * INTERNAL API: builds the caller side of RPC: a {@link Proxy} whose methods become {@link
 * ObjectCommand.Invoke} messages and whose results are read back from JSON.
 */
public final class RpcProxies {
  private RpcProxies() {}

  /** Sends a call built for a reply-to ref and completes with the object's reply. */
  public interface Sender {
    CompletableFuture<FetchReply> send(
        Function<org.apache.pekko.actor.typed.ActorRef<FetchReply>, ObjectCommand.Call> call);
  }

  public static <T> T create(
      Class<T> rpcInterface,
      String objectName,
      java.util.function.Supplier<List<String>> callChain,
      String idempotencyKey,
      ObjectMapper mapper,
      Sender sender) {
    validate(rpcInterface);
    Object proxy =
        Proxy.newProxyInstance(
            rpcInterface.getClassLoader(),
            new Class<?>[] {rpcInterface},
            (self, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return objectMethod(self, method, args, rpcInterface);
              }
              byte[] arguments = mapper.writeValueAsBytes(args == null ? new Object[0] : args);
              List<String> parameterTypes = new ArrayList<>();
              for (Class<?> p : method.getParameterTypes()) {
                parameterTypes.add(p.getName());
              }
              JavaType resultType = resultType(mapper, method);
              // The chain of the moment of the call: it may leave later (output gate), or again.
              List<String> chain = callChain.get();
              return sender
                  .send(
                      replyTo ->
                          new ObjectCommand.Invoke(
                              objectName,
                              rpcInterface.getName(),
                              method.getName(),
                              parameterTypes,
                              arguments,
                              idempotencyKey,
                              chain,
                              replyTo))
                  .thenApply(reply -> readResult(mapper, reply, resultType, method));
            });
    return rpcInterface.cast(proxy);
  }

  private static Object readResult(
      ObjectMapper mapper, FetchReply reply, JavaType resultType, Method method) {
    if (!(reply instanceof FetchReply.Returned returned)) {
      throw new ObjectFailedException("unexpected reply to " + method.getName() + ": " + reply);
    }
    try {
      return returned.value() == null || resultType.isTypeOrSubTypeOf(Void.class)
          ? null
          : mapper.readValue(returned.value(), resultType);
    } catch (java.io.IOException e) {
      throw new ObjectFailedException(
          "cannot read the result of "
              + method.getName()
              + " as "
              + resultType
              + ": "
              + e.getMessage());
    }
  }

  private static JavaType resultType(ObjectMapper mapper, Method method) {
    Type type = method.getGenericReturnType();
    if (type instanceof ParameterizedType parameterized) {
      return mapper.getTypeFactory().constructType(parameterized.getActualTypeArguments()[0]);
    }
    return mapper.getTypeFactory().constructType(Object.class);
  }

  private static void validate(Class<?> rpcInterface) {
    if (!rpcInterface.isInterface()) {
      throw new IllegalArgumentException(rpcInterface.getName() + " is not an interface");
    }
    List<String> bad = new ArrayList<>();
    for (Method method : rpcInterface.getMethods()) {
      if (!method.isDefault()
          && !java.lang.reflect.Modifier.isStatic(method.getModifiers())
          && !CompletionStage.class.isAssignableFrom(method.getReturnType())) {
        bad.add(method.getName());
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(
          "RPC methods must return CompletionStage, but these of "
              + rpcInterface.getName()
              + " do not: "
              + bad);
    }
  }

  private static Object objectMethod(Object self, Method method, Object[] args, Class<?> type) {
    switch (method.getName()) {
      case "equals":
        return self == args[0];
      case "hashCode":
        return System.identityHashCode(self);
      default:
        return "RpcProxy[" + type.getName() + "]";
    }
  }
}
