package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An RPC-only object, called through a proxy and by method name with JSON arguments. */
class RpcByNameTest {

  /** The object's RPC interface. */
  public interface Ledger {
    CompletionStage<Long> add(String account, long amount);

    CompletionStage<Long> balance(String account);

    CompletionStage<Void> reset();

    CompletionStage<String> tag(long value);

    CompletionStage<String> tag(String value);

    CompletionStage<String> note(Object value);

    CompletionStage<String> note(String value);

    CompletionStage<Long> refuse(int status);
  }

  /** An RPC interface that is not public. */
  interface Audit {
    CompletionStage<String> auditor();
  }

  /** RPC only: it implements no fetch handler. */
  public static final class LedgerObject implements DurableObject, Ledger, Audit {
    private final DurableObjectState state;

    public LedgerObject(DurableObjectState state) {
      this.state = state;
    }

    @Override
    public CompletionStage<Long> add(String account, long amount) {
      long next = state.storage().get(account, Long.class).orElse(0L) + amount;
      state.storage().put(account, next);
      return CompletableFuture.completedFuture(next);
    }

    @Override
    public CompletionStage<Long> balance(String account) {
      return CompletableFuture.completedFuture(state.storage().get(account, Long.class).orElse(0L));
    }

    @Override
    public CompletionStage<Void> reset() {
      state.storage().deleteAll();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<String> tag(long value) {
      return CompletableFuture.completedFuture("long " + value);
    }

    @Override
    public CompletionStage<String> tag(String value) {
      return CompletableFuture.completedFuture("string " + value);
    }

    @Override
    public CompletionStage<String> note(Object value) {
      return CompletableFuture.completedFuture("object");
    }

    @Override
    public CompletionStage<String> note(String value) {
      return CompletableFuture.completedFuture("string");
    }

    @Override
    public CompletionStage<String> auditor() {
      return CompletableFuture.completedFuture("ada");
    }

    @Override
    public CompletionStage<Long> refuse(int status) {
      state.storage().put("refused", true);
      if (status == 500) {
        throw new IllegalStateException("the ledger is broken");
      }
      throw new DurableObjectException(status, "refused", "refused with " + status);
    }
  }

  private static ActorTestKit testKit;
  private static DurableObjectNamespace ledgers;

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "RpcByNameTest",
            "durable-objects.namespaces.ledger.class = \"%s\""
                .formatted(LedgerObject.class.getName()));
    ledgers = DurableObjects.get(testKit.system()).namespace("ledger");
  }

  @AfterAll
  static void stopNode() {
    testKit.shutdownTestKit();
  }

  @Test
  void anRpcOnlyObjectTakesRpcAndAnswersFetchWith501() throws Exception {
    DurableObjectStub stub = ledgers.getByName("only-rpc");
    Ledger ledger = stub.rpc(Ledger.class);
    assertThat(get(ledger.add("ada", 5))).isEqualTo(5L);
    assertThat(get(ledger.balance("ada"))).isEqualTo(5L);

    DurableObjectException refused = failure(stub.fetch(Request.of("GET", "/")));
    assertThat(refused.status()).isEqualTo(501);
    assertThat(refused.code()).isEqualTo("not_implemented");
    assertThat(refused.getMessage())
        .contains("takes no HTTP requests", "FetchHandler", "call it over RPC");
  }

  @Test
  void callsAMethodByNameWithJsonArguments() throws Exception {
    DurableObjectStub stub = ledgers.getByName("by-name");
    assertThat(get(stub.rpcJson("add", "[\"ada\", 40]"))).isEqualTo("40");
    assertThat(get(stub.rpcJson("add", "[\"ada\", 2]"))).isEqualTo("42");
    assertThat(get(stub.rpc(Ledger.class).balance("ada"))).isEqualTo(42L);
    assertThat(get(stub.rpcJson("reset", "[]"))).isEqualTo("null");
    assertThat(get(stub.rpcJson("balance", " [\"ada\"] "))).isEqualTo("0");
    // Methods of a non-public interface too, by name and through a proxy.
    assertThat(get(stub.rpcJson("auditor", "[]"))).isEqualTo("\"ada\"");
    assertThat(get(stub.rpc(Audit.class).auditor())).isEqualTo("ada");
  }

  @Test
  void overloadsAreChosenByTheArgumentsThatFit() throws Exception {
    DurableObjectStub stub = ledgers.getByName("overloads");
    assertThat(get(stub.rpcJson("tag", "[7]"))).isEqualTo("\"long 7\"");
    assertThat(get(stub.rpcJson("tag", "[\"x\"]"))).isEqualTo("\"string x\"");
    assertThat(get(stub.rpcJson("note", "[1]"))).isEqualTo("\"object\"");
    DurableObjectException ambiguous = failure(stub.rpcJson("note", "[\"x\"]"));
    assertThat(ambiguous.status()).isEqualTo(400);
    assertThat(ambiguous.code()).isEqualTo("ambiguous_overload");
    assertThat(ambiguous.getMessage())
        .isEqualTo(
            "the arguments fit 2 of the overloads of note taking 1: note(Object), note(String);"
                + " give the methods distinct names to call them over HTTP");
    assertThat(failure(stub.rpcJson("tag", "[true]")).getMessage())
        .isEqualTo(
            "the arguments fit none of the overloads of tag taking 1: tag(String), tag(long)");
  }

  @Test
  void refusesUnknownMethodsAndArgumentsThatDoNotFit() {
    DurableObjectStub stub = ledgers.getByName("refusals");
    DurableObjectException unknown = failure(stub.rpcJson("withdraw", "[]"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("unknown_method");
    assertThat(unknown.getMessage())
        .isEqualTo(
            "LedgerObject has no RPC method 'withdraw'; its RPC methods are: add(String, long),"
                + " auditor(), balance(String), note(Object), note(String), refuse(int), reset(),"
                + " tag(String), tag(long)");

    assertBadArguments(
        stub.rpcJson("add", "[\"ada\"]"), "add(String, long) takes 2 arguments, got 1");
    assertBadArguments(
        stub.rpcJson("add", "[\"ada\", \"five\"]"),
        "argument 2 of add(String, long): expected a number, got a string");
    assertBadArguments(
        stub.rpcJson("add", "[5, 5]"),
        "argument 1 of add(String, long): expected a string, got a number");
    assertBadArguments(
        stub.rpcJson("add", "[\"ada\", null]"),
        "argument 2 of add(String, long): expected a number, got null");
    assertBadArguments(
        stub.rpcJson("add", "{\"account\": \"ada\"}"),
        "the arguments of add must be a JSON array, such as [\"ada\", 42] or [] for none");
    assertThat(failure(stub.rpcJson("add", "[\"ada\",\n 5")).getMessage())
        .startsWith("the arguments of add are not JSON: line 2, column 3: ");
  }

  @Test
  void aMethodThatThrowsFailsAsAFetchWouldAndWritesNothing() throws Exception {
    DurableObjectStub stub = ledgers.getByName("throws");
    DurableObjectException conflict = failure(stub.rpcJson("refuse", "[409]"));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.code()).isEqualTo("refused");
    DurableObjectException broken = failure(stub.rpcJson("refuse", "[500]"));
    assertThat(broken.status()).isEqualTo(500);
    assertThat(broken.code()).isEqualTo("object_error");
    assertThat(get(stub.rpcJson("balance", "[\"refused\"]"))).isEqualTo("0");
  }

  private static void assertBadArguments(CompletionStage<?> stage, String message) {
    DurableObjectException e = failure(stage);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("bad_arguments");
    assertThat(e.getMessage()).isEqualTo(message);
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static DurableObjectException failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(DurableObjectException.class);
      return (DurableObjectException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected the call to fail");
  }
}
