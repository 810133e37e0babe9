package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.durableobjects.cassandra.embedded.EmbeddedCassandra;
import io.durableobjects.cassandra.testkit.CassandraExtension;
import io.durableobjects.core.internal.ObjectIds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator console ({@code /console}) in a real headless Chromium, against one node on a real
 * Cassandra with an admin token: log in, search a counter by name, open it, see its value change
 * after an increment over HTTP, delete it through the confirmation dialog and see it empty; a wrong
 * token shows the API's error. Each step leaves a screenshot in {@code
 * target/console-screenshots/}. Skipped without Chromium, except on CI ({@code CI=true}), where it
 * fails ({@link ChatPageIT.RequiresChromium}).
 */
@ExtendWith(ChatPageIT.RequiresChromium.class)
@ExtendWith(CassandraExtension.class)
class ConsolePageIT {
  private static final String ADMIN_TOKEN = "console-admin-token-0123456789abcdef";
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  /** How long the page may take for any one step, in milliseconds (in the browser's clock). */
  private static final long STEP_MILLIS = 20_000;

  /** What the page shows, added to a failed wait's error. */
  private static final String DIAGNOSTICS =
      "(() => { const text = (id) => { const e = document.getElementById(id);"
          + " return e ? e.textContent : '-'; };"
          + " return 'error: ' + text('error') + '; login error: ' + text('login-error'); })()";

  private static BrowserNode browser;

  @BeforeAll
  static void start(EmbeddedCassandra cassandra) throws Exception {
    browser =
        BrowserNode.start(
            ConsolePageIT.class,
            cassandra,
            "durable-objects.http.auth.admin-token = \"" + ADMIN_TOKEN + "\"");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void anOperatorFindsWatchesAndDeletesAnObject() throws Exception {
    int port = browser.node.httpAddress().getPort();
    String name = "console-" + UUID.randomUUID().toString().substring(0, 8);
    String id = ObjectIds.fromName("counter", name);
    assertThat(NodeFixture.post(port, "/v1/counter/by-name/" + name + "/increment").statusCode())
        .isEqualTo(200);

    HeadlessChromium.Page page = openConsole();
    shot(page, "01-login");
    login(page, ADMIN_TOKEN);
    awaitTrue(
        page,
        "[...document.querySelectorAll('#namespaces tr')].some(tr =>"
            + " tr.cells[0].textContent === 'counter' && tr.cells[1].textContent.endsWith('Counter')"
            + " && tr.cells[3].textContent !== '…')",
        "the namespaces table lists counter with its counts");
    // The token stays in this tab's session storage: not in the address, not in a cookie.
    assertThat(page.evaluate("sessionStorage.getItem('durable-objects.admin-token')").asText())
        .isEqualTo(ADMIN_TOKEN);
    assertThat(page.evaluate("location.href + document.cookie").asText())
        .doesNotContain(ADMIN_TOKEN);
    shot(page, "02-namespaces");

    click(page, "document.querySelector('button[data-tab=\"objects-tab\"]')");
    set(page, "search-ns", "counter");
    set(page, "search-kind", "name");
    set(page, "search-text", name);
    click(page, "document.getElementById('search')");
    awaitTrue(
        page,
        "!!document.querySelector('#results tr[data-id=" + js(id) + "]')",
        "the search finds the counter's ID");
    shot(page, "03-search");

    click(page, "document.querySelector('#results tr[data-id=" + js(id) + "]')");
    awaitValue(page, "count", "1");
    // The activation that served the increment: its start is known.
    assertThat(
            page.evaluate(
                    "[...document.querySelectorAll('#object-meta dt')]"
                        + ".find(dt => dt.textContent === 'Last activation')"
                        + ".nextElementSibling.textContent")
                .asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    shot(page, "04-object");

    assertThat(NodeFixture.post(port, "/v1/counter/by-name/" + name + "/increment").statusCode())
        .isEqualTo(200);
    click(page, "document.getElementById('refresh')");
    awaitValue(page, "count", "2");
    shot(page, "05-after-increment");

    // The history lists both increments; the state after the first is one click away.
    awaitTrue(
        page,
        "document.querySelectorAll('#history tr').length === 2"
            + " && !!document.querySelector('#history tr[data-seq=\"1\"] button')",
        "the history lists both transactions");
    click(page, "document.querySelector('#history tr[data-seq=\"1\"] button')");
    awaitValue(page, "count", "1");
    awaitTrue(
        page,
        "document.getElementById('asof-banner').textContent.includes('as of transaction 1')",
        "the page says which point of the history it shows");
    shot(page, "05b-history");
    click(page, "document.getElementById('refresh')");
    awaitValue(page, "count", "2");

    click(page, "document.getElementById('delete')");
    awaitTrue(page, "document.getElementById('confirm').open", "the confirmation dialog opens");
    shot(page, "06-confirm-delete");
    click(page, "document.getElementById('confirm-yes')");
    awaitTrue(
        page,
        "document.getElementById('asof-banner').textContent.startsWith('Deleted: 1 keys')"
            + " && document.querySelectorAll('#entries tr').length === 0",
        "the object is deleted and shows no keys");
    shot(page, "07-deleted");
    // Gone for everyone, not only on the page.
    assertThat(NodeFixture.post(port, "/v1/counter/by-name/" + name + "/increment").body())
        .isEqualTo("1");

    click(page, "document.querySelector('button[data-tab=\"cluster-tab\"]')");
    awaitTrue(
        page,
        "[...document.querySelectorAll('#members tr')].some(tr =>"
            + " tr.cells[1].textContent.startsWith('up'))"
            + " && [...document.querySelectorAll('#metrics .value')].length > 0"
            + " && !document.getElementById('metrics').textContent.includes('…')",
        "the cluster tab shows this node Up and its metrics over two readings");
    shot(page, "08-cluster");

    click(page, "document.getElementById('logout')");
    awaitTrue(
        page,
        "!document.getElementById('login-view').hidden"
            + " && sessionStorage.getItem('durable-objects.admin-token') === null",
        "logging out forgets the token");
  }

  @Test
  void aWrongTokenShowsTheApisError() throws Exception {
    HeadlessChromium.Page page = openConsole();
    login(page, "not-the-admin-token-0123456789");
    awaitTrue(
        page,
        "document.getElementById('login-error').textContent.includes('the token is not the admin"
            + " token') && document.getElementById('main-view').hidden",
        "the login form shows the 403");
    assertThat(page.evaluate("sessionStorage.length").asInt()).isZero();
    shot(page, "09-wrong-token");
  }

  // ---------------------------------------------------------------------------------------------

  private static HeadlessChromium.Page openConsole() {
    HeadlessChromium.Page page = browser.chromium.openPage(browser.baseUrl + "/console");
    String loaded =
        "location.pathname === '/console' && document.readyState === 'complete'"
            + " && !document.getElementById('login-view').hidden";
    // The tab starts on about:blank; a wait begun there ends when the navigation replaces it.
    long deadline = System.currentTimeMillis() + STEP_MILLIS;
    while (true) {
      try {
        awaitTrue(page, loaded, "the console shows its login form");
        return page;
      } catch (AssertionError e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
    }
  }

  private static void login(HeadlessChromium.Page page, String token) {
    set(page, "token", token);
    click(page, "document.getElementById('login')");
  }

  private static void awaitValue(HeadlessChromium.Page page, String key, String value) {
    awaitTrue(
        page,
        "[...document.querySelectorAll('#entries tr')].some(tr => tr.dataset.key === "
            + js(key)
            + " && tr.cells[1].textContent.trim() === "
            + js(value)
            + ")",
        "the object shows " + key + " = " + value);
  }

  private static void shot(HeadlessChromium.Page page, String step) throws IOException {
    page.screenshot(SCREENSHOTS.resolve(step + ".png"));
  }

  private static void click(HeadlessChromium.Page page, String element) {
    page.evaluate(element + ".click()");
  }

  private static void set(HeadlessChromium.Page page, String id, String value) {
    page.evaluate("document.getElementById(" + js(id) + ").value = " + js(value));
  }

  /**
   * Waits, in the page, until {@code condition} is true; fails with {@code what} and the errors.
   */
  private static void awaitTrue(HeadlessChromium.Page page, String condition, String what) {
    page.awaitTrue(condition, what, STEP_MILLIS, DIAGNOSTICS);
  }

  private static String js(String text) {
    return HeadlessChromium.jsString(text);
  }
}
