package io.durableobjects.loadtest.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checks' arithmetic, against a fake gateway that answers fixed counts. */
class VerifierTest {
  private final Map<String, Long> counts = new ConcurrentHashMap<>();
  private HttpServer gateway;
  private String url;

  @BeforeEach
  void start() throws IOException {
    gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    gateway.createContext(
        "/v1/counter/by-name/",
        exchange -> {
          String name = exchange.getRequestURI().getPath().split("/")[4];
          byte[] body =
              Long.toString(counts.getOrDefault(name, 0L)).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    gateway.start();
    url = "http://127.0.0.1:" + gateway.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    gateway.stop(0);
  }

  private Verifier.Verdict check(Ledger ledger) {
    return new Verifier(new Http(), List.of(url)).check(ledger, Duration.ofSeconds(1));
  }

  private static Ledger.Ack ack(long value) {
    return new Ledger.Ack(value, 0, 0);
  }

  @Test
  void distinctValuesUpToTheFinalCountPass() {
    Ledger ledger = new Ledger(List.of("u"), List.of("k"));
    ledger.acknowledged("u", ack(1));
    ledger.acknowledged("u", ack(3));
    ledger.ambiguous("u"); // 2 may have applied
    ledger.acknowledged("k", "a", ack(1));
    ledger.acknowledged("k", "b", ack(2));
    counts.put("u", 3L);
    counts.put("k", 2L);
    Verifier.Verdict verdict = check(ledger);
    assertEquals(0, verdict.lost(), verdict.problems().toString());
    assertEquals(0, verdict.duplicated(), verdict.problems().toString());
  }

  @Test
  void aValueAcknowledgedTwiceIsDuplicated() {
    // Two instances of one counter, both counting on from 4 (or 5 and 6 lost, then given again).
    Ledger ledger = new Ledger(List.of("u"), List.of());
    for (long v = 1; v <= 4; v++) {
      ledger.acknowledged("u", ack(v));
    }
    ledger.acknowledged("u", ack(5));
    ledger.acknowledged("u", ack(5));
    ledger.acknowledged("u", ack(6));
    ledger.acknowledged("u", ack(6));
    counts.put("u", 6L);
    Verifier.Verdict verdict = check(ledger);
    assertEquals(2, verdict.duplicated());
    assertTrue(verdict.problems().get(0).contains("[5, 6]"), verdict.problems().toString());
  }

  @Test
  void aFinalCountBelowAnAcknowledgedValueIsLost() {
    Ledger ledger = new Ledger(List.of("u"), List.of());
    ledger.acknowledged("u", ack(1));
    ledger.acknowledged("u", ack(2));
    ledger.acknowledged("u", ack(3));
    counts.put("u", 1L);
    assertEquals(2, check(ledger).lost());
  }

  @Test
  void moreIncrementsThanSentAreDuplicated() {
    Ledger ledger = new Ledger(List.of("u"), List.of("k"));
    ledger.acknowledged("u", ack(1));
    ledger.ambiguous("u");
    counts.put("u", 3L); // at most 2 were sent
    ledger.acknowledged("k", "a", ack(1));
    ledger.abandoned("k", true);
    ledger.abandoned("k", false); // certainly not applied: does not count
    counts.put("k", 3L); // at most 2 keys may have applied
    Verifier.Verdict verdict = check(ledger);
    assertEquals(2, verdict.duplicated(), verdict.problems().toString());
    assertEquals(0, verdict.lost());
  }

  @Test
  void aKeyAnsweredWithAnotherCountAndAStaleReadAreCaught() {
    Ledger ledger = new Ledger(List.of(), List.of("k"));
    ledger.acknowledged("k", "a", ack(1));
    ledger.replayMismatch("k", "a", 1, 2);
    ledger.read("k", 1, 0);
    counts.put("k", 1L);
    Verifier.Verdict verdict = check(ledger);
    assertEquals(1, verdict.duplicated());
    assertEquals(1, verdict.lost());
  }
}
