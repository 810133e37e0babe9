package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The browser chat page ({@code /demo/chat}, examples' application.conf) in a real headless
 * Chromium, against one node on a real Cassandra that requires a token: two tabs join one room
 * under two names, with the token as the page's WebSocket subprotocol, and what one sends appears
 * in the other's message list, in the same order in both. Without the token, or from a page of
 * another origin, the browser cannot open the room. Skipped, before Cassandra starts, where no
 * Chromium is installed ({@link HeadlessChromium#find}); on CI ({@code CI=true}) it fails instead
 * ({@link HeadlessChromium#requiredByCi}).
 */
@ExtendWith(ChatPageIT.RequiresChromium.class)
@ExtendWith(CassandraExtension.class)
class ChatPageIT {
  private static final String PAGE = "/demo/chat";
  private static final String TOKEN = "chat-page-token-0123456789abcdef";

  /** How long the page may take for any one step, in milliseconds (in the browser's clock). */
  private static final long STEP_MILLIS = 20_000;

  /** What the page shows, added to a failed wait's error. */
  private static final String DIAGNOSTICS =
      "(() => { const status = document.getElementById('status');"
          + " const list = document.getElementById('messages');"
          + " return 'status: ' + (status ? status.textContent : '-') + '; messages: '"
          + " + (list ? JSON.stringify([...list.children].map(li => li.textContent)) : '-');"
          + " })()";

  private static BrowserNode browser;

  /**
   * Skips every test of the class, before any extension starts Cassandra, when there is no
   * Chromium; each is reported as skipped with the reason. (An assumption that fails in a
   * class-level callback or in {@code @BeforeAll} aborts the class instead, and surefire then
   * reports no tests and drops the reason.) On CI ({@code CI=true}) the class fails instead, with
   * the same reason, also before Cassandra starts: JUnit reports a condition that throws as a
   * failure of the class.
   */
  static final class RequiresChromium implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (HeadlessChromium.find().isPresent()) {
        return ConditionEvaluationResult.enabled("Chromium is installed");
      }
      String reason = "no Chromium installed: " + HeadlessChromium.notFoundReason();
      if (HeadlessChromium.requiredByCi()) {
        throw new IllegalStateException(
            reason + "; CI=true, so this fails instead of skipping (.ci/run installs Chromium)");
      }
      return ConditionEvaluationResult.disabled(reason);
    }
  }

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) throws Exception {
    browser =
        BrowserNode.start(
            ChatPageIT.class,
            cassandra,
            "durable-objects.http.auth { required = on, tokens = \"" + TOKEN + "\" }");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theNodeServesThePage() throws Exception {
    HttpResponse<String> page = NodeFixture.get(browser.node.httpAddress().getPort(), PAGE);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(page.body()).contains("id=\"messages\"").doesNotContain("http://", "https://");
  }

  @Test
  void twoTabsInOneRoomSeeEachOthersMessagesInTheSameOrder() throws Exception {
    String room = "page-" + UUID.randomUUID().toString().substring(0, 8);
    HeadlessChromium.Page alice = openChatPage();
    HeadlessChromium.Page bob = openChatPage();
    join(alice, room, "alice");
    join(bob, room, "bob");

    say(alice, "hello from alice");
    awaitMessage(bob, "#1 alice: hello from alice");
    say(bob, "hi alice, <b>bob</b> here");
    awaitMessage(alice, "#2 bob: hi alice, <b>bob</b> here");

    List<String> expected =
        List.of("#1 alice: hello from alice", "#2 bob: hi alice, <b>bob</b> here");
    awaitMessage(bob, expected.get(1));
    assertThat(messages(alice)).isEqualTo(expected);
    assertThat(messages(bob)).isEqualTo(expected);
    // The gateway selected its own subprotocol, not the token's; the token left the address bar.
    assertThat(alice.evaluate("socket.protocol").asText()).isEqualTo("durable-objects");
    assertThat(alice.evaluate("location.href").asText()).doesNotContain(TOKEN);
    // Shown as text, not markup.
    assertThat(alice.evaluate("document.querySelectorAll('#messages b').length").asInt()).isZero();
    alice.screenshot(Path.of("target", "chat-page-alice.png"));
  }

  @Test
  void withoutTheTokenTheRoomStaysClosed() {
    HeadlessChromium.Page page = openChatPage(browser.baseUrl + PAGE);
    set(page, "room", "no-token");
    set(page, "name", "eve");
    page.evaluate("document.getElementById('join').click()");
    // 401 on the upgrade: the browser sees 1006.
    awaitTrue(
        page,
        "document.getElementById('status').textContent.startsWith('closed (code 1006')",
        "the status shows close code 1006");
  }

  @Test
  void aPageOfAnotherOriginCannotOpenTheRoomEvenWithTheToken() {
    // The same script opens the room from the node's own page, and not from the same page served
    // as http://localhost:<port>, another origin than 127.0.0.1:<port> (cross-site WebSocket
    // hijacking).
    assertThat(openRoomSocket(openChatPage(browser.baseUrl + PAGE)))
        .isEqualTo("open durable-objects");
    HeadlessChromium.Page foreign =
        openChatPage(browser.baseUrl.replace("127.0.0.1", "localhost") + PAGE);
    assertThat(openRoomSocket(foreign)).isEqualTo("closed 1006");
  }

  /** Opens a socket to a room, with the token, from {@code page}: how it ended. */
  private static String openRoomSocket(HeadlessChromium.Page page) {
    String script =
        """
        new Promise((resolve) => {
          const ws = new WebSocket(%s, ["durable-objects", "bearer." + %s]);
          ws.onopen = () => { resolve("open " + ws.protocol); ws.close(); };
          ws.onclose = (event) => resolve("closed " + event.code);
        })
        """
            .formatted(
                js(
                    browser.baseUrl.replace("http:", "ws:")
                        + "/v1/chat-room/by-name/hijack/ws?name=mallory"),
                js(TOKEN));
    return page.evaluate(script).asText();
  }

  @Test
  void aRefusedJoinShowsTheCloseCode() {
    HeadlessChromium.Page page = openChatPage();
    // The room refuses names above 64 characters (400 on the upgrade): the browser sees 1006.
    set(page, "room", "refused");
    set(page, "name", "x".repeat(65));
    page.evaluate("document.getElementById('join').click()");
    awaitTrue(
        page,
        "document.getElementById('status').textContent.startsWith('closed (code 1006')",
        "the status shows close code 1006");
    assertThat(page.evaluate("document.getElementById('send').disabled").asBoolean()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------

  /** A new tab on the chat page with the token, once the page has loaded. */
  private static HeadlessChromium.Page openChatPage() {
    return openChatPage(browser.baseUrl + PAGE + "#token=" + TOKEN);
  }

  /** A new tab on the chat page at {@code url}, once the page has loaded. */
  private static HeadlessChromium.Page openChatPage(String url) {
    HeadlessChromium.Page page = browser.chromium.openPage(url);
    String loaded =
        "location.pathname === "
            + js(PAGE)
            + " && document.readyState === 'complete'"
            + " && !!document.getElementById('join')";
    // The tab starts on about:blank; a wait begun there ends when the navigation replaces its
    // context, and is begun again on the page.
    long deadline = System.currentTimeMillis() + STEP_MILLIS;
    while (true) {
      try {
        awaitTrue(page, loaded, "the chat page loads");
        return page;
      } catch (AssertionError e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
    }
  }

  private static void join(HeadlessChromium.Page page, String room, String name) {
    set(page, "room", room);
    set(page, "name", name);
    page.evaluate("document.getElementById('join').click()");
    awaitTrue(
        page,
        "document.getElementById('status').textContent === "
            + js("open (" + room + " as " + name + ")"),
        name + " has joined " + room);
  }

  private static void say(HeadlessChromium.Page page, String text) {
    set(page, "text", text);
    page.evaluate("document.getElementById('send').click()");
    awaitTrue(page, "document.getElementById('text').value === ''", "the message was sent");
  }

  private static void awaitMessage(HeadlessChromium.Page page, String line) {
    awaitTrue(
        page,
        "[...document.querySelectorAll('#messages li')].some(li => li.textContent === "
            + js(line)
            + ")",
        "the message list shows " + line);
  }

  private static List<String> messages(HeadlessChromium.Page page) {
    JsonNode list =
        page.evaluate("[...document.querySelectorAll('#messages li')].map(li => li.textContent)");
    List<String> out = new ArrayList<>();
    list.forEach(item -> out.add(item.asText()));
    return out;
  }

  private static void set(HeadlessChromium.Page page, String id, String value) {
    page.evaluate("document.getElementById(" + js(id) + ").value = " + js(value));
  }

  /**
   * Waits, in the page, until {@code condition} is true; fails after {@link #STEP_MILLIS} with
   * {@code what}, the status line and the message list.
   */
  private static void awaitTrue(HeadlessChromium.Page page, String condition, String what) {
    page.awaitTrue(condition, what, STEP_MILLIS, DIAGNOSTICS);
  }

  private static String js(String text) {
    return HeadlessChromium.jsString(text);
  }
}
