package io.durableobjects.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObject;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A shopping cart per user (namespace {@code cart}): one key per item, so each change writes only
 * that item.
 *
 * <pre>
 * PUT    /v1/cart/by-name/{user}/items/{sku}   {"quantity": 2}   → 200 {"items": {...}}
 * DELETE /v1/cart/by-name/{user}/items/{sku}                     → 200 {"items": {...}}
 * GET    /v1/cart/by-name/{user}/                                → 200 {"items": {"sku": 2, ...}}
 * </pre>
 */
public final class ShoppingCart implements FetchHandler {
  /** Largest quantity of one item. */
  static final int MAX_QUANTITY = 10_000;
  /** Most distinct items in one cart. */
  static final int MAX_ITEMS = 500;

  private static final String ITEM_PREFIX = "item:";
  private static final String ITEMS_PATH = "/items/";
  private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final DurableObjectState state;

  public ShoppingCart(DurableObjectState state) {
    this.state = state;
  }

  @Override
  public Response fetch(Request request) {
    String path = request.path();
    if (path.equals("/")) {
      return request.method().equals("GET") ? cart() : JsonResponses.methodNotAllowed("GET");
    }
    if (!path.startsWith(ITEMS_PATH)) {
      return JsonResponses.notFound(path);
    }
    String sku = path.substring(ITEMS_PATH.length());
    if (!SKU.matcher(sku).matches()) {
      return JsonResponses.error(
          400, "bad_request", "a SKU is 1 to 64 letters, digits, '.', '_' or '-'");
    }
    switch (request.method()) {
      case "PUT":
        return put(sku, request);
      case "DELETE":
        state.storage().delete(ITEM_PREFIX + sku);
        return cart();
      default:
        return JsonResponses.methodNotAllowed("PUT, DELETE");
    }
  }

  private Response put(String sku, Request request) {
    Optional<ObjectNode> body = JsonResponses.objectBody(request);
    JsonNode quantity = body.map(b -> b.get("quantity")).orElse(null);
    if (quantity == null || !quantity.canConvertToInt() || !quantity.isIntegralNumber()) {
      return JsonResponses.error(
          400, "bad_request", "the body must be a JSON object such as {\"quantity\": 2}");
    }
    int n = quantity.intValue();
    if (n < 1 || n > MAX_QUANTITY) {
      return JsonResponses.error(
          400, "bad_request", "quantity must be between 1 and " + MAX_QUANTITY + ", got " + n);
    }
    String key = ITEM_PREFIX + sku;
    if (state.storage().get(key, Integer.class).isEmpty()
        && items().size() >= MAX_ITEMS) {
      return JsonResponses.error(409, "cart_full", "a cart holds at most " + MAX_ITEMS + " items");
    }
    state.storage().put(key, n);
    return cart();
  }

  private Map<String, Integer> items() {
    Map<String, Integer> items = new LinkedHashMap<>();
    state
        .storage()
        .list(ListOptions.create().withPrefix(ITEM_PREFIX), Integer.class)
        .forEach((key, quantity) -> items.put(key.substring(ITEM_PREFIX.length()), quantity));
    return items;
  }

  private Response cart() {
    return JsonResponses.json(Map.of("items", items()));
  }
}
