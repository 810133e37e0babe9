package io.durableobjects.core.internal.rpc;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.internal.json.BodyJson;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * INTERNAL API: the RPC methods of an object's class, found by name for a call that names only the
 * method and carries its arguments as a JSON array (RPC over HTTP). Every refusal is a {@link
 * DurableObjectException} the caller can act on: 404 {@code unknown_method} listing the methods
 * that exist, 400 {@code bad_arguments} saying which argument does not fit and what was expected,
 * 400 {@code ambiguous_overload} when the arguments fit more than one overload.
 *
 * <p>The RPC methods are those of the interfaces the class implements, other than the runtime's
 * handler interfaces ({@link DurableObject} and its subtypes in {@code io.durableobjects.core}),
 * that return a {@link CompletionStage}.
 */
final class RpcMethods {
  private static final String RUNTIME_PACKAGE = DurableObject.class.getPackageName();

  /** A method chosen for a call, with its arguments read. */
  record Resolved(Method method, Object[] arguments) {}

  private RpcMethods() {}

  static Resolved resolve(
      ObjectMapper mapper, Class<?> objectClass, String name, JsonNode arguments) {
    if (arguments == null || !arguments.isArray()) {
      throw badArguments(
          "the arguments of " + name + " must be a JSON array, got " + kindOf(arguments));
    }
    List<Method> named = new ArrayList<>();
    for (Method method : all(objectClass)) {
      if (method.getName().equals(name)) {
        named.add(method);
      }
    }
    if (named.isEmpty()) {
      throw new DurableObjectException(
          404,
          "unknown_method",
          objectClass.getSimpleName()
              + " has no RPC method '"
              + name
              + "'; its RPC methods are: "
              + signatures(all(objectClass)));
    }
    List<Method> sameArity =
        named.stream()
            .filter(m -> m.getParameterCount() == arguments.size())
            .collect(Collectors.toList());
    if (sameArity.isEmpty()) {
      throw badArguments(
          signatures(named)
              + " takes "
              + named.stream()
                  .map(m -> Integer.toString(m.getParameterCount()))
                  .distinct()
                  .collect(Collectors.joining(" or "))
              + " arguments, got "
              + arguments.size());
    }
    if (sameArity.size() == 1) {
      return new Resolved(sameArity.get(0), read(mapper, sameArity.get(0), arguments));
    }
    List<Resolved> fitting = new ArrayList<>();
    for (Method method : sameArity) {
      try {
        fitting.add(new Resolved(method, read(mapper, method, arguments)));
      } catch (DurableObjectException doesNotFit) {
        // another overload may take them
      }
    }
    if (fitting.size() == 1) {
      return fitting.get(0);
    }
    throw new DurableObjectException(
        400,
        "ambiguous_overload",
        "the arguments fit "
            + (fitting.isEmpty() ? "none" : fitting.size())
            + " of the overloads of "
            + name
            + " taking "
            + arguments.size()
            + ": "
            + signatures(sameArity)
            + (fitting.isEmpty()
                ? ""
                : "; give the methods distinct names to call them over HTTP"));
  }

  /** The RPC methods of {@code objectClass}, sorted by signature. */
  static List<Method> all(Class<?> objectClass) {
    TreeMap<String, Method> bySignature = new TreeMap<>();
    for (Class<?> type : interfaces(objectClass)) {
      if (isRuntimeHandler(type)) {
        continue;
      }
      for (Method method : type.getMethods()) {
        if (!Modifier.isStatic(method.getModifiers())
            && CompletionStage.class.isAssignableFrom(method.getReturnType())
            && !isRuntimeHandler(method.getDeclaringClass())) {
          bySignature.putIfAbsent(signature(method), method);
        }
      }
    }
    return List.copyOf(bySignature.values());
  }

  // FetchHandler, AsyncFetchHandler, AlarmHandler... (an async fetch returns a stage too).
  private static boolean isRuntimeHandler(Class<?> type) {
    return type.getPackageName().equals(RUNTIME_PACKAGE)
        && DurableObject.class.isAssignableFrom(type);
  }

  private static Object[] read(ObjectMapper mapper, Method method, JsonNode arguments) {
    java.lang.reflect.Type[] types = method.getGenericParameterTypes();
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      JavaType type = mapper.getTypeFactory().constructType(types[i]);
      JsonNode argument = arguments.get(i);
      String expected = expectedKind(type);
      String problem = null;
      if (expected != null && !fits(type, argument)) {
        problem = "expected " + expected + ", got " + kindOf(argument);
      } else {
        try {
          values[i] = mapper.treeToValue(argument, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          problem = BodyJson.problem(e);
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
      }
      if (problem != null) {
        throw badArguments("argument " + (i + 1) + " of " + signature(method) + ": " + problem);
      }
    }
    return values;
  }

  /** What JSON a parameter of this type takes, for the kinds that must match exactly. */
  private static String expectedKind(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (raw.isPrimitive() && raw != boolean.class && raw != char.class
        || Number.class.isAssignableFrom(raw)) {
      return "a number";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "true or false";
    }
    if (raw == String.class) {
      return "a string";
    }
    if (type.isCollectionLikeType() || type.isArrayType() && raw != byte[].class) {
      return "an array";
    }
    return null;
  }

  private static boolean fits(JavaType type, JsonNode argument) {
    Class<?> raw = type.getRawClass();
    if (argument.isNull()) {
      return !raw.isPrimitive(); // a boxed or object parameter may be null
    }
    if (raw.isPrimitive() && raw != boolean.class && raw != char.class
        || Number.class.isAssignableFrom(raw)) {
      return argument.isNumber();
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return argument.isBoolean();
    }
    if (raw == String.class) {
      return argument.isTextual();
    }
    return argument.isArray();
  }

  private static String kindOf(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isNull()) {
      return "null";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    if (node.isTextual()) {
      return "a string";
    }
    return node.isArray() ? "an array" : "an object";
  }

  /** {@code add(String, long)}. */
  static String signature(Method method) {
    return method.getName()
        + "("
        + java.util.Arrays.stream(method.getGenericParameterTypes())
            .map(RpcMethods::simpleName)
            .collect(Collectors.joining(", "))
        + ")";
  }

  private static String simpleName(java.lang.reflect.Type type) {
    return type instanceof Class<?> c
        ? c.getSimpleName()
        : type.getTypeName().replaceAll("[a-zA-Z0-9_$]+\\.", "");
  }

  private static String signatures(List<Method> methods) {
    return methods.isEmpty()
        ? "(none)"
        : methods.stream()
            .sorted(Comparator.comparing(RpcMethods::signature))
            .map(RpcMethods::signature)
            .collect(Collectors.joining(", "));
  }

  private static Set<Class<?>> interfaces(Class<?> type) {
    Set<Class<?>> result = new LinkedHashSet<>();
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      collect(c, result);
    }
    return result;
  }

  private static void collect(Class<?> type, Set<Class<?>> into) {
    for (Class<?> i : type.getInterfaces()) {
      if (into.add(i)) {
        collect(i, into);
      }
    }
  }

  private static DurableObjectException badArguments(String message) {
    return new DurableObjectException(400, "bad_arguments", message);
  }
}
