package io.durableobjects.examples;

import io.durableobjects.core.DurableObjectException;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Router;
import io.durableobjects.core.Storage;
import java.util.LinkedHashMap;
import java.util.Map;
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

  private static final String ITEM = "item:";
  private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** The body of {@code PUT /items/{sku}}. */
  record Quantity(Integer quantity) {}

  private final Storage storage;
  private final Router<Response> router =
      Router.create()
          .get("/", request -> cart())
          .put("/items/{sku}", (request, path) -> put(sku(path), request.bodyAs(Quantity.class)))
          .delete("/items/{sku}", (request, path) -> delete(sku(path)));

  public ShoppingCart(DurableObjectState state) {
    this.storage = state.storage();
  }

  @Override
  public Response fetch(Request request) throws Exception {
    return router.fetch(request);
  }

  private Response put(String sku, Quantity body) {
    if (body.quantity() == null) {
      throw badRequest("the body must be a JSON object such as {\"quantity\": 2}");
    }
    int n = body.quantity();
    if (n < 1 || n > MAX_QUANTITY) {
      throw badRequest("quantity must be between 1 and " + MAX_QUANTITY + ", got " + n);
    }
    if (storage.get(ITEM + sku, Integer.class).isEmpty() && items().size() >= MAX_ITEMS) {
      return Response.error(409, "cart_full", "a cart holds at most " + MAX_ITEMS + " items");
    }
    storage.put(ITEM + sku, n);
    return cart();
  }

  private Response delete(String sku) {
    storage.delete(ITEM + sku);
    return cart();
  }

  private Response cart() {
    return Response.json(Map.of("items", items()));
  }

  private Map<String, Integer> items() {
    Map<String, Integer> items = new LinkedHashMap<>();
    storage
        .list(ListOptions.create().withPrefix(ITEM), Integer.class)
        .forEach((key, quantity) -> items.put(key.substring(ITEM.length()), quantity));
    return items;
  }

  private static String sku(Map<String, String> path) {
    String sku = path.get("sku");
    if (!SKU.matcher(sku).matches()) {
      throw badRequest("a SKU is 1 to 64 letters, digits, '.', '_' or '-'");
    }
    return sku;
  }

  private static DurableObjectException badRequest(String message) {
    return new DurableObjectException(400, "bad_request", message);
  }
}
