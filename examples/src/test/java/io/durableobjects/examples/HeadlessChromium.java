package io.durableobjects.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A headless Chromium for the browser tests, driven over the Chrome DevTools Protocol with the
 * JDK's WebSocket client: {@link #openPage} opens a tab (a target attached with a flat session),
 * {@link Page#evaluate} runs JavaScript in it. Chromium runs with a fresh profile under {@code
 * target/}, without sandbox (tests run as root), and with its own network traffic off: no
 * background requests, and every host name but the test's 127.0.0.1 unresolvable. {@link #close}
 * ends the browser (politely, then by force) and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {
  /** Executable names looked for on the PATH, in this order. */
  static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

  /** A system property naming the executable, instead of looking on the PATH. */
  static final String EXECUTABLE_PROPERTY = "chromium.executable";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration COMMAND = Duration.ofSeconds(30);
  private static final String LISTENING = "DevTools listening on ";

  private final Process process;
  private final Path profile;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final WebSocket devTools;

  /** {@code text} as a JavaScript string literal. */
  static String jsString(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** One tab. */
  final class Page {
    private final String sessionId;

    private Page(String sessionId) {
      this.sessionId = sessionId;
    }

    /**
     * The value of {@code expression} (awaited if it is a promise, returned as JSON).
     *
     * @throws AssertionError if it throws or its promise rejects, with the error's text
     */
    JsonNode evaluate(String expression) {
      ObjectNode params = JSON.createObjectNode();
      params.put("expression", expression);
      params.put("awaitPromise", true);
      params.put("returnByValue", true);
      JsonNode result = send(sessionId, "Runtime.evaluate", params);
      if (result.has("exceptionDetails")) {
        JsonNode details = result.get("exceptionDetails");
        throw new AssertionError(
            "JavaScript failed: "
                + details.at("/exception/description").asText(details.path("text").asText()));
      }
      return result.at("/result/value");
    }

    /**
     * Waits, in the tab, until {@code condition} (a JavaScript expression; one that throws counts
     * as false) is true, checking every 25 ms.
     *
     * @param what what is awaited, for the error
     * @param diagnostics a JavaScript expression whose text the error adds: what the page shows
     * @throws AssertionError after {@code timeoutMillis} (in the browser's clock)
     */
    void awaitTrue(String condition, String what, long timeoutMillis, String diagnostics) {
      evaluate(
          """
          new Promise((resolve, reject) => {
            const deadline = Date.now() + %d;
            const check = () => {
              let ok = false;
              try { ok = %s; } catch (e) { ok = false; }
              if (ok) {
                resolve(true);
              } else if (Date.now() > deadline) {
                reject(new Error('timed out: ' + %s + '; ' + (%s)));
              } else {
                setTimeout(check, 25);
              }
            };
            check();
          })
          """
              .formatted(timeoutMillis, condition, jsString(what), diagnostics));
    }

    /** Saves what the tab shows as a PNG. */
    void screenshot(Path file) throws IOException {
      JsonNode shot = send(sessionId, "Page.captureScreenshot", JSON.createObjectNode());
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }
  }

  private HeadlessChromium(Path executable, Path profile) throws Exception {
    this.profile = profile;
    Files.createDirectories(profile);
    process =
        new ProcessBuilder(
                executable.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile.toAbsolutePath(),
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--disable-client-side-phishing-detection",
                "--no-pings",
                "--metrics-recording-only",
                // Only the loopback names resolve (localhost: a second origin on the same node).
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
                // Both tabs of a test are live at once: no throttling of the one in the background.
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String url = devToolsUrl();
      devTools =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .buildAsync(URI.create(url), new Listener())
              .get(STARTUP.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /**
   * The Chromium executable: the one {@value #EXECUTABLE_PROPERTY} names, else the first of {@link
   * #NAMES} on the PATH; empty if there is none.
   */
  static Optional<Path> find() {
    String configured = System.getProperty(EXECUTABLE_PROPERTY, "").strip();
    if (!configured.isEmpty()) {
      Path path = Path.of(configured);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    String pathEnv = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String name : NAMES) {
      for (String dir : pathEnv.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a missing Chromium must fail the browser tests instead of skipping them: on CI
   * (environment {@code CI=true}, which {@code .ci/run} sets and which installs Chromium first), a
   * skip would hide a broken install step.
   */
  static boolean requiredByCi() {
    return "true".equalsIgnoreCase(Optional.ofNullable(System.getenv("CI")).orElse("").strip());
  }

  /** Why {@link #find} found nothing, for a skipped (or, on CI, failed) test. */
  static String notFoundReason() {
    String configured = System.getProperty(EXECUTABLE_PROPERTY, "").strip();
    return configured.isEmpty()
        ? "none of " + NAMES + " is on the PATH (Debian: apt-get install chromium)"
        : "-D" + EXECUTABLE_PROPERTY + "=" + configured + " is not an executable file";
  }

  /** Starts Chromium with a new profile in {@code profile} and connects to it. */
  static HeadlessChromium start(Path executable, Path profile) throws Exception {
    return new HeadlessChromium(executable, profile);
  }

  /** Opens {@code url} in a new tab and attaches to it. */
  Page openPage(String url) {
    JsonNode target = send(null, "Target.createTarget", JSON.createObjectNode().put("url", url));
    ObjectNode attach = JSON.createObjectNode();
    attach.put("targetId", target.get("targetId").asText());
    attach.put("flatten", true);
    return new Page(send(null, "Target.attachToTarget", attach).get("sessionId").asText());
  }

  /** Sends one command (to the browser, or to a tab's session) and waits for its result. */
  private JsonNode send(String sessionId, String method, ObjectNode params) {
    long id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    try {
      devTools.sendText(message.toString(), true).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
      JsonNode response = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
      if (response.has("error")) {
        throw new AssertionError(method + " failed: " + response.get("error"));
      }
      return response.path("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(method + " interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError(
          method + " failed: " + e.getCause().getMessage() + "; Chromium said: " + stderr(), e);
    } catch (TimeoutException e) {
      throw new AssertionError(
          method
              + " got no answer within "
              + COMMAND.toSeconds()
              + " s; Chromium said: "
              + stderr(),
          e);
    } finally {
      pending.remove(id);
    }
  }

  /** Reads stderr until Chromium names its DevTools endpoint, then drains it in the background. */
  private String devToolsUrl() throws Exception {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  int at = line.indexOf(LISTENING);
                  if (at >= 0) {
                    url.complete(line.substring(at + LISTENING.length()).strip());
                  }
                  synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > 20) {
                      stderrTail.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                // The process ended.
              }
              url.completeExceptionally(
                  new IllegalStateException(
                      "Chromium exited before DevTools listened: " + stderr()));
            },
            "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      return url.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Chromium did not open DevTools within " + STARTUP.toSeconds() + " s: " + stderr(), e);
    }
  }

  private String stderr() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  /** Collects the DevTools messages (possibly in parts) and completes the waiting commands. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(partial.toString());
          CompletableFuture<JsonNode> waiting =
              message.has("id") ? pending.get(message.get("id").asLong()) : null;
          if (waiting != null) {
            waiting.complete(message);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          partial.setLength(0);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      failPending("DevTools closed the connection (" + statusCode + " " + reason + ")");
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      failPending("the DevTools connection failed: " + error);
    }

    private void failPending(String why) {
      pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
    }
  }

  /** Closes the browser (Browser.close, then by force after 10 s) and deletes the profile. */
  @Override
  public void close() {
    if (devTools != null && process.isAlive()) {
      // Not waited for: Chromium may close the connection before it answers.
      devTools.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true);
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    if (devTools != null) {
      devTools.abort();
    }
    deleteRecursively(profile);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the Chromium profile " + dir, e);
    }
  }
}
