package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ShoppingCartTest {
  private static ExampleNode node;

  @BeforeAll
  static void start() {
    node = new ExampleNode("ShoppingCartTest");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Response send(String user, String method, String path, String body)
      throws Exception {
    Request request = Request.of(method, path);
    return node.call("cart", user, body == null ? request : request.withBody(body));
  }

  @Test
  void itemsAreAddedChangedAndRemoved() throws Exception {
    assertThat(send("ada", "GET", "/", null).bodyText()).isEqualTo("{\"items\":{}}");
    assertThat(send("ada", "PUT", "/items/apple", "{\"quantity\": 2}").bodyText())
        .isEqualTo("{\"items\":{\"apple\":2}}");
    send("ada", "PUT", "/items/pear-7", "{\"quantity\": 1}");
    assertThat(send("ada", "PUT", "/items/apple", "{\"quantity\": 5}").bodyText())
        .isEqualTo("{\"items\":{\"apple\":5,\"pear-7\":1}}");
    assertThat(send("ada", "DELETE", "/items/apple", null).bodyText())
        .isEqualTo("{\"items\":{\"pear-7\":1}}");
    assertThat(send("ada", "GET", "/", null).bodyText()).isEqualTo("{\"items\":{\"pear-7\":1}}");
    // Carts are separate objects.
    assertThat(send("bob", "GET", "/", null).bodyText()).isEqualTo("{\"items\":{}}");
  }

  @Test
  void badInputIsRefusedAndChangesNothing() throws Exception {
    send("eve", "PUT", "/items/apple", "{\"quantity\": 1}");
    assertBadRequest(send("eve", "PUT", "/items/apple", "{\"quantity\": 0}"), "between 1 and");
    assertBadRequest(send("eve", "PUT", "/items/apple", "{\"quantity\": 1.5}"), "JSON object");
    assertBadRequest(send("eve", "PUT", "/items/apple", "not json"), "JSON object");
    assertBadRequest(send("eve", "PUT", "/items/apple", "{}"), "JSON object");
    assertBadRequest(send("eve", "PUT", "/items/a%2Fb", "{\"quantity\": 1}"), "a SKU is");
    assertThat(send("eve", "POST", "/items/apple", "{\"quantity\": 1}").status()).isEqualTo(405);
    assertThat(send("eve", "GET", "/nope", null).status()).isEqualTo(404);
    assertThat(send("eve", "GET", "/", null).bodyText()).isEqualTo("{\"items\":{\"apple\":1}}");
  }

  private static void assertBadRequest(Response response, String message) {
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.bodyText()).contains("\"error\":\"bad_request\"").contains(message);
  }
}
