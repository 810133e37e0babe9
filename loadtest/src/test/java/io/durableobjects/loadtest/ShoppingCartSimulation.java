package io.durableobjects.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shopping session per iteration, on the cart example ({@code /v1/cart/by-name/{user}/}): view
 * the cart, add two items (PUT of a quantity), change the quantity of one, view again, remove one,
 * and then either check out (60%: view the cart and remove every item left, so the cart ends empty)
 * or abandon the cart (40%). Every answer is the cart as JSON, and each is checked: an added or
 * updated item holds its new quantity, a removed one is gone, the cart is empty after checkout.
 *
 * <pre>
 * ./mvnw -pl loadtest gatling:test -Dgatling.simulationClass=io.durableobjects.loadtest.ShoppingCartSimulation \
 *     -DbaseUrl=http://127.0.0.1:8080 -Dusers=16 -DdurationSec=10 -Dobjects=1000
 * </pre>
 *
 * <p>Properties: those of {@link LoadParams} ({@code rate} counts sessions per second), and {@code
 * objects} (carts, 1000: sessions take them in turn, so concurrent sessions use different carts as
 * long as there are more carts than concurrent sessions; a cart comes back with what abandoned
 * sessions left in it), {@code skus} (distinct items, 50), {@code prefix} (carts' name prefix;
 * default {@code cart-<run>}).
 */
public class ShoppingCartSimulation extends Simulation {
  private static final int OBJECTS = Integer.getInteger("objects", 1000);
  private static final int SKUS = Integer.getInteger("skus", 50);
  private static final String PREFIX = System.getProperty("prefix", "cart-" + LoadParams.RUN);
  private static final String CART = "/v1/cart/by-name/#{cart}/";

  private final AtomicLong sessions = new AtomicLong();

  private Session start(Session s) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(SKUS);
    int b = (a + 1 + random.nextInt(SKUS - 1)) % SKUS;
    return s.set("cart", PREFIX + "-" + (sessions.getAndIncrement() % OBJECTS))
        .set("skuA", "sku" + a)
        .set("skuB", "sku" + b)
        .set("qtyA", 1 + random.nextInt(3))
        .set("qtyB", 1 + random.nextInt(3))
        .set("qtyA2", 4 + random.nextInt(5));
  }

  private static ChainBuilder put(String name, String sku, String quantity) {
    return exec(
        http(name)
            .put(CART + "items/#{" + sku + "}")
            .body(StringBody("{\"quantity\": #{" + quantity + "}}"))
            .check(
                status().is(200),
                jsonPath("$.items.#{" + sku + "}").ofInt().isEL("#{" + quantity + "}")));
  }

  private final ChainBuilder checkout =
      exec(http("checkout: view cart")
              .get(CART)
              .check(status().is(200), jsonPath("$.items").ofMap().saveAs("items")))
          .exec(s -> s.set("left", new ArrayList<>(s.<Map<String, Object>>get("items").keySet())))
          .foreach("#{left}", "sku")
          .on(
              exec(
                  http("checkout: remove item")
                      .delete(CART + "items/#{sku}")
                      .check(status().is(200), jsonPath("$.items.#{sku}").notExists())))
          .exec(
              http("checkout: cart empty")
                  .get(CART)
                  .check(status().is(200), jsonPath("$.items").ofMap().transform(Map::size).is(0)));

  private final ChainBuilder shopping =
      exec(this::start)
          .exec(http("view cart").get(CART).check(status().is(200), jsonPath("$.items").exists()))
          .exec(put("add item", "skuA", "qtyA"))
          .exec(put("add item", "skuB", "qtyB"))
          .exec(put("update quantity", "skuA", "qtyA2"))
          .exec(
              http("view cart")
                  .get(CART)
                  .check(
                      status().is(200),
                      jsonPath("$.items.#{skuA}").ofInt().isEL("#{qtyA2}"),
                      jsonPath("$.items.#{skuB}").ofInt().isEL("#{qtyB}")))
          .exec(
              http("remove item")
                  .delete(CART + "items/#{skuB}")
                  .check(
                      status().is(200),
                      jsonPath("$.items.#{skuB}").notExists(),
                      jsonPath("$.items.#{skuA}").ofInt().isEL("#{qtyA2}")))
          .exec(randomSwitch().on(percent(60.0).then(checkout)));

  {
    setUp(LoadParams.load("shopping", shopping))
        .protocols(LoadParams.protocol())
        .assertions(LoadParams.bounds());
  }

  @Override
  public void before() {
    System.out.println(
        "ShoppingCartSimulation: "
            + OBJECTS
            + " carts "
            + PREFIX
            + "-* at "
            + LoadParams.describe());
  }

  @Override
  public void after() {
    System.out.println("ShoppingCartSimulation: " + sessions.get() + " shopping sessions started");
  }
}
