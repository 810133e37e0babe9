package io.durableobjects.core.internal.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.internal.entity.FetchReply;
import io.durableobjects.core.internal.entity.ObjectCommand;
import io.durableobjects.core.internal.json.BodyJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * INTERNAL API: the caller side of an RPC call by method name with JSON arguments (RPC over HTTP):
 * checks that the arguments are a JSON array, sends an {@link ObjectCommand.Invoke} that names no
 * interface (the object resolves the method by name, {@link RpcMethods}), and answers the result as
 * JSON text ({@code null} for a void or null result).
 */
public final class RpcByName {
  private RpcByName() {}

  /**
   * Calls {@code method} with {@code jsonArguments}.
   *
   * @return the result's JSON text; fails with a {@link DurableObjectException} 400 {@code
   *     bad_arguments} if the arguments are not a JSON array (with line and column), or as the
   *     object answers
   * @throws IllegalArgumentException if the method or the arguments are null, or the method empty
   */
  public static CompletionStage<String> call(
      String method,
      String jsonArguments,
      String objectName,
      List<String> callChain,
      String idempotencyKey,
      ObjectMapper mapper,
      RpcProxies.Sender sender) {
    if (method == null || method.isEmpty()) {
      throw new IllegalArgumentException("the RPC method name must not be null or empty");
    }
    if (jsonArguments == null) {
      throw new IllegalArgumentException(
          "the arguments of " + method + " must not be null; send \"[]\" for none");
    }
    JsonNode arguments;
    try {
      arguments = mapper.readTree(jsonArguments);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(
          badArguments("the arguments of " + method + " are not JSON: " + BodyJson.problem(e)));
    }
    if (arguments == null || !arguments.isArray()) {
      return CompletableFuture.failedFuture(
          badArguments(
              "the arguments of "
                  + method
                  + " must be a JSON array, such as [\"ada\", 42] or [] for none"));
    }
    byte[] bytes = jsonArguments.getBytes(StandardCharsets.UTF_8);
    return sender
        .send(
            replyTo ->
                new ObjectCommand.Invoke(
                    objectName, null, method, null, bytes, idempotencyKey, callChain, replyTo))
        .thenApply(RpcByName::resultText);
  }

  private static String resultText(FetchReply reply) {
    if (!(reply instanceof FetchReply.Returned returned)) {
      throw new IllegalStateException("unexpected reply to an RPC call: " + reply);
    }
    return returned.value() == null ? "null" : new String(returned.value(), StandardCharsets.UTF_8);
  }

  private static DurableObjectException badArguments(String message) {
    return new DurableObjectException(400, "bad_arguments", message);
  }
}
