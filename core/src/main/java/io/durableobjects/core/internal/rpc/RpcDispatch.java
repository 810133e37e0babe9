package io.durableobjects.core.internal.rpc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.ObjectFailedException;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * INTERNAL API: the object side of RPC: finds the method an {@link ObjectCommand.Invoke} names on
 * the object's interface, reads the arguments from JSON, calls it and writes the result as JSON. A
 * call that names no interface (RPC over HTTP, {@link RpcByName}) names the method only: it is
 * looked up by name among the object's RPC methods ({@link RpcMethods}).
 */
public final class RpcDispatch {
  private final ObjectMapper mapper;

  public RpcDispatch(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * Invokes the call on {@code instance}.
   *
   * @throws Exception what the method threw, or an {@link ObjectFailedException} if the call does
   *     not fit the object (the caller gets it as a 500)
   */
  public CompletableFuture<FetchReply> invoke(DurableObject instance, ObjectCommand.Invoke call)
      throws Exception {
    Method method;
    Object[] args;
    if (call.interfaceName() == null) {
      RpcMethods.Resolved resolved =
          RpcMethods.resolve(mapper, instance.getClass(), call.method(), arguments(call));
      method = resolved.method();
      args = resolved.arguments();
    } else {
      method = find(instance, call);
      args = readArguments(method, call);
    }
    if (!method.canAccess(instance)) {
      // An RPC interface need not be public (a proxy of it works in its own package).
      method.trySetAccessible();
    }
    Object result;
    try {
      result = method.invoke(instance, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
    if (!(result instanceof CompletionStage<?> stage)) {
      throw new ObjectFailedException(
          call.method() + " returned null instead of a CompletionStage");
    }
    return stage.toCompletableFuture().thenApply(this::writeResult);
  }

  private JsonNode arguments(ObjectCommand.Invoke call) {
    try {
      return mapper.readTree(call.arguments());
    } catch (IOException e) {
      throw new io.durableobjects.core.DurableObjectException(
          400, "bad_arguments", "the arguments are not JSON: " + e.getMessage());
    }
  }

  private FetchReply writeResult(Object value) {
    try {
      return new FetchReply.Returned(value == null ? null : mapper.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new ObjectFailedException("cannot serialize the RPC result: " + e.getMessage());
    }
  }

  private static Method find(DurableObject instance, ObjectCommand.Invoke call) {
    Class<?> rpcInterface = null;
    for (Class<?> candidate : allInterfaces(instance.getClass())) {
      if (candidate.getName().equals(call.interfaceName())) {
        rpcInterface = candidate;
      }
    }
    if (rpcInterface == null) {
      throw new ObjectFailedException(
          instance.getClass().getName() + " does not implement " + call.interfaceName());
    }
    for (Method method : rpcInterface.getMethods()) {
      if (method.getName().equals(call.method()) && sameParameters(method, call)) {
        return method;
      }
    }
    throw new ObjectFailedException(
        call.interfaceName() + " has no method " + call.method() + call.parameterTypes());
  }

  private Object[] readArguments(Method method, ObjectCommand.Invoke call) throws IOException {
    JsonNode array = mapper.readTree(call.arguments());
    java.lang.reflect.Type[] types = method.getGenericParameterTypes();
    if (array == null || !array.isArray() || array.size() != types.length) {
      throw new ObjectFailedException("malformed arguments for " + call.method());
    }
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      JavaType type = mapper.getTypeFactory().constructType(types[i]);
      args[i] = mapper.treeToValue(array.get(i), type);
    }
    return args;
  }

  private static boolean sameParameters(Method method, ObjectCommand.Invoke call) {
    Class<?>[] types = method.getParameterTypes();
    if (types.length != call.parameterTypes().size()) {
      return false;
    }
    for (int i = 0; i < types.length; i++) {
      if (!types[i].getName().equals(call.parameterTypes().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static java.util.Set<Class<?>> allInterfaces(Class<?> type) {
    java.util.Set<Class<?>> result = new java.util.LinkedHashSet<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      collect(c, result);
    }
    return result;
  }

  private static void collect(Class<?> type, java.util.Set<Class<?>> into) {
    for (Class<?> i : type.getInterfaces()) {
      if (into.add(i)) {
        collect(i, into);
      }
    }
  }
}
