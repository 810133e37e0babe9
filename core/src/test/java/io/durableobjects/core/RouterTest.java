package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouterTest {
  record Item(String name, int quantity) {}

  private final Router<Response> router =
      Router.create()
          .get("/", request -> Response.text("root"))
          .get("/count", request -> Response.text("7"))
          .post("/count", request -> Response.text("8"))
          .put("/items/{id}", (request, params) -> Response.json(params))
          .get("/items/{id}/parts/{part}", (request, params) -> Response.json(params))
          .post("/items", request -> Response.json(request.bodyAs(Item.class)).withStatus(201));

  @Test
  void routesByMethodAndPath() throws Exception {
    assertThat(router.fetch(Request.of("GET", "/")).bodyText()).isEqualTo("root");
    assertThat(router.fetch(Request.of("GET", "/count")).bodyText()).isEqualTo("7");
    assertThat(router.fetch(Request.of("POST", "/count").withQuery("x=1")).bodyText())
        .isEqualTo("8");
  }

  @Test
  void handsPathParametersDecoded() throws Exception {
    assertThat(router.fetch(Request.of("PUT", "/items/a%20b+c")).bodyText())
        .isEqualTo("{\"id\":\"a b+c\"}");
    assertThat(router.fetch(Request.of("GET", "/items/7/parts/wheel")).bodyText())
        .isEqualTo("{\"id\":\"7\",\"part\":\"wheel\"}");
  }

  @Test
  void answers404ForAnUnknownPathAnd405WithAllowForAKnownOne() throws Exception {
    Response missing = router.fetch(Request.of("GET", "/nope"));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.bodyText())
        .isEqualTo("{\"error\":\"not_found\",\"message\":\"no such route: /nope\"}");
    // A parameter matches one non-empty segment only.
    assertThat(router.fetch(Request.of("PUT", "/items/")).status()).isEqualTo(404);
    assertThat(router.fetch(Request.of("PUT", "/items/a/b")).status()).isEqualTo(404);
    assertThat(router.fetch(Request.of("GET", "/count/")).status()).isEqualTo(404);

    Response wrong = router.fetch(Request.of("DELETE", "/count"));
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.header("Allow")).contains("GET, POST");
    assertThat(wrong.bodyText()).contains("\"error\":\"method_not_allowed\"", "use GET, POST");
  }

  @Test
  void aClientErrorThrownByARoutePropagatesSoItsWritesAreRolledBack() throws Exception {
    Response created =
        router.fetch(Request.of("POST", "/items").withBody("{\"name\":\"pear\",\"quantity\":2}"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.bodyText()).isEqualTo("{\"name\":\"pear\",\"quantity\":2}");

    // Thrown, not answered: the runtime discards the request's writes and answers its 400.
    assertThatThrownBy(() -> router.fetch(Request.of("POST", "/items").withBody("{\"name\": }")))
        .isInstanceOfSatisfying(
            DurableObjectException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("line 1, column 10");
  }

  @Test
  void otherFailuresPropagate() {
    Router<Response> failing =
        Router.create()
            .get(
                "/boom",
                request -> {
                  throw new IllegalStateException("boom");
                })
            .get(
                "/unavailable",
                request -> {
                  throw new ObjectUnavailableException("later");
                })
            .get("/null", request -> null);
    assertThatThrownBy(() -> failing.fetch(Request.of("GET", "/boom"))).hasMessage("boom");
    assertThatThrownBy(() -> failing.fetch(Request.of("GET", "/unavailable")))
        .isInstanceOf(ObjectUnavailableException.class);
    assertThatThrownBy(() -> failing.fetch(Request.of("GET", "/null")))
        .isInstanceOf(ObjectFailedException.class)
        .hasMessageContaining("GET /null answered null");
  }

  @Test
  void anAsyncRouterAnswersStagesAndPassesFailuresOn() throws Exception {
    Router<CompletionStage<Response>> async =
        Router.createAsync()
            .get("/later", request -> CompletableFuture.supplyAsync(() -> Response.text("done")))
            .post(
                "/items/{id}",
                (request, params) ->
                    CompletableFuture.supplyAsync(() -> request.bodyAs(Item.class))
                        .thenApply(item -> Response.text(params.get("id") + ":" + item.name())));
    assertThat(get(async.fetch(Request.of("GET", "/later"))).bodyText()).isEqualTo("done");
    assertThat(
            get(async.fetch(Request.of("POST", "/items/3").withBody("{\"name\":\"fig\"}")))
                .bodyText())
        .isEqualTo("3:fig");
    assertThatThrownBy(() -> get(async.fetch(Request.of("POST", "/items/3").withBody("[]"))))
        .cause()
        .isInstanceOfSatisfying(
            DurableObjectException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(get(async.fetch(Request.of("GET", "/items/3"))).header("Allow")).contains("POST");
    assertThat(get(async.fetch(Request.of("GET", "/x"))).status()).isEqualTo(404);
  }

  @Test
  void refusesMalformedRoutes() {
    Router<Response> empty = Router.create();
    Router.Handler<Response> ok = request -> Response.status(204);
    assertThatThrownBy(() -> empty.get("count", ok)).hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> empty.get("/a/{}", ok)).hasMessageContaining("empty or repeated");
    assertThatThrownBy(() -> empty.get("/{a}/{a}", ok)).hasMessageContaining("empty or repeated");
    assertThatThrownBy(() -> empty.get("/a{b}", ok)).hasMessageContaining("neither literal nor");
    assertThatThrownBy(() -> empty.get("/a//b", ok)).hasMessageContaining("empty segment");
    assertThatThrownBy(() -> empty.route("get", "/", ok)).hasMessageContaining("upper-case");
    assertThatThrownBy(() -> empty.get("/", ok).get("/", ok)).hasMessageContaining("already");
    // Immutable: adding a route returns a new router.
    empty.get("/", ok);
    assertThat(empty.toString()).isEqualTo("Router[]");
  }

  private static Response get(CompletionStage<Response> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
