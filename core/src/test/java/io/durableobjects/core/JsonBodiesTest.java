package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Request#bodyAs} and {@link Response#json(Object)}. */
class JsonBodiesTest {
  record Item(String sku, int quantity) {}

  record Event(String name, Instant at, Optional<String> note) {}

  record Checked(String sku, int quantity) {
    Checked {
      if (sku.isEmpty()) {
        throw new IllegalArgumentException("a SKU must not be empty");
      }
    }
  }

  @Test
  void readsRecordsAndGenericTypes() {
    assertThat(
            Request.of("POST", "/")
                .withBody("{\"sku\":\"a\",\"quantity\":2,\"x\":1}")
                .bodyAs(Item.class))
        .isEqualTo(new Item("a", 2));
    List<Item> items =
        Request.of("POST", "/")
            .withBody("[{\"sku\":\"a\",\"quantity\":1},{\"sku\":\"b\",\"quantity\":3}]")
            .bodyAs(new TypeReference<List<Item>>() {});
    assertThat(items).containsExactly(new Item("a", 1), new Item("b", 3));
  }

  @Test
  void writesLikeStorageDoes() {
    Response response =
        Response.json(new Event("launch", Instant.parse("2025-01-31T12:00:00Z"), Optional.empty()));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).contains("application/json");
    assertThat(response.bodyText())
        .isEqualTo("{\"name\":\"launch\",\"at\":\"2025-01-31T12:00:00Z\",\"note\":null}");
    assertThat(Response.json((Object) "text").bodyText()).isEqualTo("\"text\"");
    assertThat(Response.json((Object) null).bodyText()).isEqualTo("null");
    assertThat(Response.json("{\"raw\":true}").bodyText()).isEqualTo("{\"raw\":true}");
    assertThat(Response.json(Map.of("a", 1)).bodyText()).isEqualTo("{\"a\":1}");
  }

  @Test
  void badJsonIsA400ThatSaysWhatAndWhere() {
    assertThat(badRequest("", Item.class))
        .isEqualTo("the request body is empty; expected a JSON object for Item");
    assertThat(badRequest("{\"sku\": \"a\",\n \"quantity\": }", Item.class))
        .startsWith("the request body is not a valid JSON object for Item: line 2, column 14: ");
    assertThat(badRequest("{\"sku\": \"a\", \"quantity\": \"many\"}", Item.class))
        .startsWith(
            "the request body is not a valid JSON object for Item: at field 'quantity', line 1,");
    assertThat(badRequest("null", Item.class))
        .isEqualTo("the request body is JSON null; expected a JSON object for Item");
    assertThatThrownBy(
            () ->
                Request.of("POST", "/")
                    .withBody("[{\"sku\":\"a\",\"quantity\":[]}]")
                    .bodyAs(new TypeReference<List<Item>>() {}))
        .hasMessageContaining("at field '[0].quantity'");
    // Stricter than storage: a client's 1.5 or "2" for an integer is its error, not a 1 or a 2.
    assertThat(badRequest("{\"sku\": \"a\", \"quantity\": 1.5}", Item.class))
        .contains("at field 'quantity'");
    assertThat(badRequest("{\"sku\": \"a\", \"quantity\": \"2\"}", Item.class))
        .contains("at field 'quantity'");
    assertThat(badRequest("{\"sku\": \"\", \"quantity\": 1}", Checked.class))
        .isEqualTo(
            "the request body is not a valid JSON object for Checked: line 1, column 26: "
                + "a SKU must not be empty");
    assertThat(badRequest("[1, 2]", Long.class))
        .startsWith("the request body is not valid JSON for Long");
    assertThatThrownBy(() -> Request.of("POST", "/").bodyAs((Class<Item>) null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String badRequest(String body, Class<?> type) {
    try {
      Request.of("POST", "/").withBody(body).bodyAs(type);
    } catch (DurableObjectException e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("bad_request");
      return e.getMessage();
    }
    throw new AssertionError("expected a 400 for " + body);
  }

  @Test
  void errorsHaveTheGatewaysShape() {
    Response error = Response.error(409, "cart_full", "a cart holds at most 500 items");
    assertThat(error.status()).isEqualTo(409);
    assertThat(error.bodyText())
        .isEqualTo("{\"error\":\"cart_full\",\"message\":\"a cart holds at most 500 items\"}");
    assertThatThrownBy(() -> Response.error(200, "ok", "")).hasMessageContaining("400..599");
  }
}
