package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.testsupport.TimeFactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based test of a whole object, through the real entity: random requests of random storage
 * operations (reads, writes, listings, nested transactions, refused writes, requests that fail
 * after writing), sent through a stub as RPC or fetch, handled synchronously or on another thread,
 * sometimes ten at once (group commit), with restarts at random points: a journal write that fails
 * (the request gets a 503), eviction by the active-object limit, eviction after the idle timeout,
 * and an activation whose recovery fails; now and then a snapshot fails to save. With {@code
 * snapshot-every = 7}, recoveries start from no snapshot, from a snapshot alone, or from a snapshot
 * plus events; every kind happens in every seed. The limits are small ({@code max-value-size = 64},
 * {@code max-object-size = 2500}) so that refusals happen often and must be predicted exactly.
 *
 * <p>A plain {@link TreeMap} in UTF-8 (code point) order is the model. Every request is first run
 * against the model, which says what each read inside it returns, whether it succeeds or fails (and
 * with which status) and what it leaves. Every read must agree, an acknowledged request changes the
 * model, and a request that failed (the object's own error, a refused write, a 503) changes
 * nothing. After every restart the new instance must see exactly the model, both in its constructor
 * and through a full listing; the snapshots the journal holds must be the model at their sequence
 * numbers.
 *
 * <p>On a failure the seed, the step and the last requests are printed; to reproduce it, run that
 * seed alone (the object names include the seed, so every seed starts from an empty object). The
 * sequence of requests is fixed by the seed, up to the timing of snapshot saves.
 *
 * <p>{@link #everyRequestIsAnsweredWhenAnActivationCannotRecover} isolates a runtime bug this test
 * found: a request is lost when an activation's recovery fails.
 */
class ObjectModelTest {
  private static final String NAMESPACE = "model";
  private static final int REQUESTS_PER_SEED = 450;
  private static final int SNAPSHOT_EVERY = 7;
  private static final int MAX_VALUE = 64;
  private static final long MAX_OBJECT = 2500;
  private static final int BURST = 10;
  private static final Duration TIMEOUT = TimeFactor.dilated(Duration.ofSeconds(20));

  /**
   * Characters of string values. Only the one outside the BMP is escaped in JSON (see {@link
   * #valueBytes}), so serialized sizes are predictable.
   */
  private static final String[] VALUE_CHARS = {
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "x",
    "y",
    "z",
    "é",
    "ß",
    "\uD83D\uDE00"
  };

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ABSENT = "absent";

  // ---- the object under test ---------------------------------------------------------------

  /** One stored entry, with its value in the tagged text form (see {@link ModelObject#tag}). */
  public record KV(String key, String value) {}

  /** The conditions of a listing; null for an absent one, 0 for no limit. */
  public record ListSpec(
      String start, String startAfter, String end, String prefix, boolean reverse, int limit) {

    static final ListSpec ALL = new ListSpec(null, null, null, null, false, 0);

    ListOptions options() {
      ListOptions options = ListOptions.create();
      if (start != null) {
        options = options.withStart(start);
      }
      if (startAfter != null) {
        options = options.withStartAfter(startAfter);
      }
      options = options.withEnd(end).withPrefix(prefix).withReverse(reverse);
      return limit > 0 ? options.withLimit(limit) : options;
    }
  }

  /**
   * One storage operation of a script. {@code op} says which; the other fields are its arguments.
   * {@code catchRefusal}: the object catches a {@link StorageException} of this step, records
   * {@code refused:<status>} and goes on (the refused step wrote nothing, earlier writes stay).
   * {@code variant} selects an API variant (typed keys, list() without options) or, for {@code
   * invalid}, which invalid key and which method.
   */
  public record Step(
      String op,
      String key,
      String value,
      List<KV> entries,
      List<String> keys,
      ListSpec list,
      List<Step> body,
      boolean abort,
      boolean catchRefusal,
      int variant) {

    static Step of(String op) {
      return new Step(op, null, null, null, null, null, null, false, false, 0);
    }

    Step withKey(String k) {
      return new Step(op, k, value, entries, keys, list, body, abort, catchRefusal, variant);
    }

    Step withValue(String v) {
      return new Step(op, key, v, entries, keys, list, body, abort, catchRefusal, variant);
    }

    Step withEntries(List<KV> e) {
      return new Step(op, key, value, e, keys, list, body, abort, catchRefusal, variant);
    }

    Step withKeys(List<String> k) {
      return new Step(op, key, value, entries, k, list, body, abort, catchRefusal, variant);
    }

    Step withList(ListSpec l) {
      return new Step(op, key, value, entries, keys, l, body, abort, catchRefusal, variant);
    }

    Step withBody(List<Step> b, boolean aborts) {
      return new Step(op, key, value, entries, keys, list, b, aborts, catchRefusal, variant);
    }

    Step catching(boolean c) {
      return new Step(op, key, value, entries, keys, list, body, abort, c, variant);
    }

    Step withVariant(int v) {
      return new Step(op, key, value, entries, keys, list, body, abort, catchRefusal, v);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(op);
      if (key != null) {
        s.append(' ').append(show(key));
      }
      if (value != null) {
        s.append(" := ").append(value.length() > 20 ? value.substring(0, 20) + "…" : value);
      }
      if (entries != null) {
        s.append(' ').append(entries.stream().map(e -> show(e.key())).toList());
      }
      if (keys != null) {
        s.append(' ').append(keys.stream().map(ObjectModelTest::show).toList());
      }
      if (list != null) {
        s.append(' ').append(list.options());
      }
      if (body != null) {
        s.append(" {").append(body).append(abort ? " abort}" : "}");
      }
      if (catchRefusal) {
        s.append(" catching");
      }
      if (variant != 0) {
        s.append(" v").append(variant);
      }
      return s.toString();
    }
  }

  /**
   * A request: its steps, then optionally a deliberate failure (thrown, or as a failed future when
   * {@code failedFuture}).
   */
  public record Script(List<Step> steps, boolean throwAtEnd, boolean failedFuture) {
    @Override
    public String toString() {
      return steps + (throwAtEnd ? (failedFuture ? " then fail (future)" : " then throw") : "");
    }
  }

  /** The object's RPC interface. */
  public interface StoreApi {
    CompletionStage<Void> put(String key, String value);

    CompletionStage<Void> putAll(List<KV> entries);

    CompletionStage<Boolean> delete(String key);

    CompletionStage<Integer> deleteMany(List<String> keys);

    CompletionStage<Void> deleteAll();

    CompletionStage<String> get(String key);

    CompletionStage<List<KV>> getMany(List<String> keys);

    CompletionStage<List<KV>> list(ListSpec spec);

    /** Runs the script on the object's thread. */
    CompletionStage<List<String>> run(Script script);

    /** Runs the script on another thread, while the input gate stays closed. */
    CompletionStage<List<String>> runAsync(Script script);

    /** Which activation of this object this instance is, and how many keys its constructor saw. */
    CompletionStage<List<Integer>> info();
  }

  /** Exposes its storage as RPC methods and as fetch requests ({@code POST /run} etc.). */
  public static final class ModelObject implements AsyncFetchHandler, StoreApi {
    static final ConcurrentHashMap<String, AtomicInteger> ACTIVATIONS = new ConcurrentHashMap<>();
    private static final ExecutorService ASYNC =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "model-object-async");
              t.setDaemon(true);
              return t;
            });

    private final Storage storage;
    private final int activation;
    private final int keysAtActivation;

    public ModelObject(DurableObjectState state) {
      this.storage = state.storage();
      this.activation =
          ACTIVATIONS
              .computeIfAbsent(state.id().toString(), k -> new AtomicInteger())
              .incrementAndGet();
      this.keysAtActivation = storage.list(Object.class).size();
    }

    // -- fetch --

    @Override
    public CompletionStage<Response> fetch(Request request) throws Exception {
      switch (request.path()) {
        case "/run":
          return runNow(JSON.readValue(request.body(), Script.class)).thenApply(ModelObject::json);
        case "/run-async":
          return runLater(JSON.readValue(request.body(), Script.class))
              .thenApply(ModelObject::json);
        case "/list":
          return CompletableFuture.completedFuture(
              json(List.of(format(storage.list(Object.class)))));
        default:
          return CompletableFuture.completedFuture(Response.status(404));
      }
    }

    private static Response json(Object value) {
      try {
        return Response.json(JSON.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    // -- RPC --

    @Override
    public CompletionStage<Void> put(String key, String value) {
      storage.put(key, decode(value));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> putAll(List<KV> entries) {
      Map<String, Object> map = new LinkedHashMap<>();
      entries.forEach(e -> map.put(e.key(), decode(e.value())));
      storage.put(map);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
      return CompletableFuture.completedFuture(storage.delete(key));
    }

    @Override
    public CompletionStage<Integer> deleteMany(List<String> keys) {
      return CompletableFuture.completedFuture(storage.delete(keys));
    }

    @Override
    public CompletionStage<Void> deleteAll() {
      storage.deleteAll();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<String> get(String key) {
      return CompletableFuture.completedFuture(
          storage.get(key, Object.class).map(ModelObject::tag).orElse(null));
    }

    @Override
    public CompletionStage<List<KV>> getMany(List<String> keys) {
      return CompletableFuture.completedFuture(kvs(storage.get(keys, Object.class)));
    }

    @Override
    public CompletionStage<List<KV>> list(ListSpec spec) {
      return CompletableFuture.completedFuture(kvs(storage.list(spec.options(), Object.class)));
    }

    @Override
    public CompletionStage<List<String>> run(Script script) {
      return runNow(script);
    }

    @Override
    public CompletionStage<List<String>> runAsync(Script script) {
      return runLater(script);
    }

    @Override
    public CompletionStage<List<Integer>> info() {
      return CompletableFuture.completedFuture(List.of(activation, keysAtActivation));
    }

    // -- scripts --

    private CompletableFuture<List<String>> runNow(Script script) {
      List<String> out = steps(script);
      if (script.throwAtEnd()) {
        IllegalStateException failure = deliberateFailure(out);
        if (script.failedFuture()) {
          return CompletableFuture.failedFuture(failure);
        }
        throw failure;
      }
      return CompletableFuture.completedFuture(out);
    }

    private CompletableFuture<List<String>> runLater(Script script) {
      return CompletableFuture.supplyAsync(() -> steps(script), ASYNC)
          .thenApplyAsync(
              out -> {
                if (script.throwAtEnd()) {
                  throw deliberateFailure(out);
                }
                return out;
              },
              ASYNC);
    }

    private static IllegalStateException deliberateFailure(List<String> out) {
      return new IllegalStateException("deliberate failure after " + out.size() + " results");
    }

    private List<String> steps(Script script) {
      List<String> out = new ArrayList<>();
      for (Step step : script.steps()) {
        step(storage, step, out);
      }
      return out;
    }

    private static void step(Storage s, Step step, List<String> out) {
      if (step.catchRefusal()) {
        try {
          apply(s, step, out);
        } catch (StorageException e) {
          out.add("refused:" + e.status());
        }
      } else {
        apply(s, step, out);
      }
    }

    private static void apply(Storage s, Step step, List<String> out) {
      switch (step.op()) {
        case "get" -> {
          Object value = s.get(step.key(), Object.class).orElse(null);
          if (step.variant() == 1 && value != null) {
            // Read it again through a typed key of its own type: the same value.
            Object typed = s.get(StorageKey.of(step.key(), typeOf(value))).orElseThrow();
            if (!tag(typed).equals(tag(value))) {
              throw new IllegalStateException("typed read " + tag(typed) + " != " + tag(value));
            }
          }
          out.add(value == null ? ABSENT : tag(value));
        }
        case "getMany" -> out.add(format(s.get(step.keys(), Object.class)));
        case "put" -> {
          Object value = decode(step.value());
          if (step.variant() == 1 && value instanceof String text) {
            s.put(StorageKey.of(step.key(), String.class), text);
          } else {
            s.put(step.key(), value);
          }
          out.add("ok");
        }
        case "putAll" -> {
          Map<String, Object> map = new LinkedHashMap<>();
          step.entries().forEach(e -> map.put(e.key(), decode(e.value())));
          s.put(map);
          out.add("ok");
        }
        case "delete" ->
            out.add(
                String.valueOf(
                    step.variant() == 1
                        ? s.delete(StorageKey.of(step.key(), Object.class))
                        : s.delete(step.key())));
        case "deleteMany" -> out.add(String.valueOf(s.delete(step.keys())));
        case "deleteAll" -> {
          s.deleteAll();
          out.add("ok");
        }
        case "list" ->
            out.add(
                format(
                    step.variant() == 1 && step.list().equals(ListSpec.ALL)
                        ? s.list(Object.class)
                        : s.list(step.list().options(), Object.class)));
        case "tx" -> {
          try {
            s.transaction(
                inner -> {
                  for (Step nested : step.body()) {
                    step(inner, nested, out);
                  }
                  if (step.abort()) {
                    throw new Abort();
                  }
                  return null;
                });
            out.add("tx:returned");
          } catch (Abort a) {
            out.add("tx:aborted");
          }
        }
        case "invalid" -> {
          String key = invalidKey(step.variant());
          switch ((step.variant() / 3) % 4) {
            case 0 -> s.put(key, "v");
            case 1 -> s.get(key, String.class);
            case 2 -> s.delete(List.of("a", key));
            default -> s.put(Map.of("a", "v", key, "w"));
          }
          out.add("accepted");
        }
        default -> throw new IllegalArgumentException("unknown step " + step.op());
      }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> typeOf(Object value) {
      if (value instanceof byte[]) {
        return (Class<T>) byte[].class;
      }
      return (Class<T>) (value instanceof String ? String.class : Long.class);
    }

    static String tag(Object value) {
      if (value instanceof byte[] raw) {
        return "b:" + HexFormat.of().formatHex(raw);
      }
      if (value instanceof String text) {
        return "s:" + text;
      }
      if (value instanceof Number n) {
        return "n:" + n.longValue();
      }
      return "?:" + value;
    }

    static Object decode(String tagged) {
      if (tagged.equals("null")) {
        return null;
      }
      String rest = tagged.substring(2);
      return switch (tagged.charAt(0)) {
        case 's' -> rest;
        case 'b' -> HexFormat.of().parseHex(rest);
        case 'n' -> Long.parseLong(rest);
        default -> throw new IllegalArgumentException(tagged);
      };
    }

    private static List<KV> kvs(Map<String, Object> map) {
      List<KV> result = new ArrayList<>();
      map.forEach((k, v) -> result.add(new KV(k, tag(v))));
      return result;
    }

    private static String format(Map<String, Object> map) {
      return formatKv(kvs(map));
    }
  }

  /** An invalid key: empty, too long (a 413), or with an unpaired surrogate. */
  static String invalidKey(int variant) {
    return switch (variant % 3) {
      case 0 -> "";
      case 1 -> "k".repeat(Storage.MAX_KEY_BYTES + 1);
      default -> "\uD83Dx";
    };
  }

  /** Thrown by a transaction body to abort it. */
  static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abort() {
      super("abort", null, false, false);
    }
  }

  static String formatKv(List<KV> entries) {
    StringBuilder s = new StringBuilder("[");
    for (KV e : entries) {
      if (s.length() > 1) {
        s.append(", ");
      }
      s.append(e.key()).append('=').append(e.value());
    }
    return s.append(']').toString();
  }

  static String show(String key) {
    return key.length() > 12 ? key.substring(0, 12) + "…(" + key.length() + ")" : key;
  }

  // ---- the model -----------------------------------------------------------------------------

  /** What the model says a request does. */
  static final class Expected {
    List<String> out;
    TreeMap<String, String> after;
    boolean changed;
    int status = 200;
    String code;

    boolean ok() {
      return status == 200;
    }
  }

  /** A refusal the model predicts: a StorageException with this status and code. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Refused(int status, String code) {
      super(code, null, false, false);
      this.status = status;
      this.code = code;
    }

    static Refused error() {
      return new Refused(500, StorageException.STORAGE_ERROR);
    }

    static Refused limit() {
      return new Refused(413, StorageException.LIMIT_EXCEEDED);
    }
  }

  /** Runs a script against a copy of the model, as the object runs it against its storage. */
  static Expected simulate(TreeMap<String, String> committed, Script script) {
    Sim sim = new Sim(committed);
    Expected expected = new Expected();
    try {
      for (Step step : script.steps()) {
        sim.step(step);
      }
      if (script.throwAtEnd()) {
        expected.status = 500;
        expected.code = "object_error";
      }
    } catch (Refused r) {
      expected.status = r.status;
      expected.code = r.code;
    }
    expected.out = sim.out;
    expected.after = sim.state;
    expected.changed = sim.changed;
    return expected;
  }

  /**
   * The model of one request's transaction. {@code changed} mirrors whether the request has
   * anything to commit (one journal event), to know the sequence numbers.
   */
  static final class Sim {
    TreeMap<String, String> state;
    boolean changed;
    final List<String> out = new ArrayList<>();

    Sim(TreeMap<String, String> committed) {
      state = new TreeMap<>(committed);
    }

    void step(Step step) throws Refused {
      if (step.catchRefusal()) {
        try {
          apply(step);
        } catch (Refused r) {
          out.add("refused:" + r.status);
        }
      } else {
        apply(step);
      }
    }

    private void apply(Step step) throws Refused {
      switch (step.op()) {
        case "get" -> {
          checkKey(step.key());
          out.add(state.getOrDefault(step.key(), ABSENT));
        }
        case "getMany" -> {
          TreeSet<String> distinct = new TreeSet<>(ModelKeys.UTF8);
          for (String key : step.keys()) {
            checkKey(key);
            distinct.add(key);
          }
          List<KV> found = new ArrayList<>();
          for (String key : distinct) {
            if (state.containsKey(key)) {
              found.add(new KV(key, state.get(key)));
            }
          }
          out.add(formatKv(found));
        }
        case "put" -> {
          checkKey(step.key());
          checkValue(step.value());
          TreeMap<String, String> next = new TreeMap<>(state);
          next.put(step.key(), step.value());
          checkObjectSize(next);
          state = next;
          changed = true;
          out.add("ok");
        }
        case "putAll" -> {
          Map<String, String> map = new LinkedHashMap<>();
          step.entries().forEach(e -> map.put(e.key(), e.value()));
          for (Map.Entry<String, String> e : map.entrySet()) {
            checkKey(e.getKey());
            checkValue(e.getValue());
          }
          TreeMap<String, String> next = new TreeMap<>(state);
          next.putAll(map);
          checkObjectSize(next);
          state = next;
          changed |= !map.isEmpty();
          out.add("ok");
        }
        case "delete" -> {
          checkKey(step.key());
          boolean removed = state.remove(step.key()) != null;
          changed |= removed;
          out.add(String.valueOf(removed));
        }
        case "deleteMany" -> {
          TreeSet<String> distinct = new TreeSet<>(ModelKeys.UTF8);
          for (String key : step.keys()) {
            checkKey(key);
            distinct.add(key);
          }
          int removed = 0;
          for (String key : distinct) {
            if (state.remove(key) != null) {
              removed++;
            }
          }
          changed |= removed > 0;
          out.add(String.valueOf(removed));
        }
        case "deleteAll" -> {
          changed |= !state.isEmpty();
          state.clear();
          out.add("ok");
        }
        case "list" -> out.add(formatKv(list(state, step.list())));
        case "tx" -> {
          TreeMap<String, String> saved = new TreeMap<>(state);
          boolean savedChanged = changed;
          try {
            for (Step nested : step.body()) {
              step(nested);
            }
          } catch (Refused r) {
            state = saved;
            changed = savedChanged;
            throw r;
          }
          if (step.abort()) {
            state = saved;
            changed = savedChanged;
            out.add("tx:aborted");
          } else {
            out.add("tx:returned");
          }
        }
        case "invalid" -> checkKey(invalidKey(step.variant()));
        default -> throw new IllegalArgumentException(step.op());
      }
    }

    private static void checkKey(String key) throws Refused {
      if (key.isEmpty()) {
        throw Refused.error();
      }
      for (int i = 0; i < key.length(); i++) {
        char c = key.charAt(i);
        if (Character.isHighSurrogate(c)
            && i + 1 < key.length()
            && Character.isLowSurrogate(key.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw Refused.error();
        }
      }
      if (utf8(key) > Storage.MAX_KEY_BYTES) {
        throw Refused.limit();
      }
    }

    private static void checkValue(String tagged) throws Refused {
      if (tagged.equals("null")) {
        throw Refused.error();
      }
      if (valueBytes(tagged) > MAX_VALUE) {
        throw Refused.limit();
      }
    }

    private void checkObjectSize(TreeMap<String, String> next) throws Refused {
      long after = bytes(next);
      if (after > MAX_OBJECT && after > bytes(state)) {
        throw Refused.limit();
      }
    }
  }

  static List<KV> list(TreeMap<String, String> state, ListSpec spec) {
    String lower = spec.start() != null ? spec.start() : spec.startAfter();
    boolean exclusive = spec.startAfter() != null;
    List<KV> matching = new ArrayList<>();
    for (Map.Entry<String, String> e : state.entrySet()) {
      String key = e.getKey();
      boolean matches =
          (lower == null
                  || (exclusive
                      ? ModelKeys.UTF8.compare(key, lower) > 0
                      : ModelKeys.UTF8.compare(key, lower) >= 0))
              && (spec.end() == null || ModelKeys.UTF8.compare(key, spec.end()) < 0)
              && (spec.prefix() == null || key.startsWith(spec.prefix()));
      if (matches) {
        matching.add(new KV(key, e.getValue()));
      }
    }
    if (spec.reverse()) {
      Collections.reverse(matching);
    }
    return spec.limit() > 0 && matching.size() > spec.limit()
        ? matching.subList(0, spec.limit())
        : matching;
  }

  static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * The serialized size of a tagged value: raw bytes as is, JSON otherwise. Jackson writes a
   * character outside the BMP as two escaped UTF-16 units (12 bytes), not as 4 bytes of UTF-8.
   */
  static int valueBytes(String tagged) {
    String rest = tagged.substring(2);
    return switch (tagged.charAt(0)) {
      case 's' -> 2 + utf8(rest) + 8 * (int) rest.codePoints().filter(c -> c > 0xFFFF).count();
      case 'b' -> rest.length() / 2;
      default -> rest.length();
    };
  }

  /** The model's size, counted like the storage: UTF-8 keys plus a tag byte plus the value. */
  static long bytes(TreeMap<String, String> state) {
    long total = 0;
    for (Map.Entry<String, String> e : state.entrySet()) {
      total += utf8(e.getKey()) + 1 + valueBytes(e.getValue());
    }
    return total;
  }

  static String describe(TreeMap<String, String> state) {
    List<KV> entries = new ArrayList<>();
    state.forEach((k, v) -> entries.add(new KV(k, v)));
    return formatKv(entries);
  }

  // ---- the node --------------------------------------------------------------------------------

  private static ActorTestKit testKit;
  private static PersistenceTestKit journal;
  private static SnapshotTestKit snapshots;
  private static DurableObjectNamespace objects;
  private static ValueCodec codec;

  /** Coverage over all seeds, printed at the end. */
  private static final Map<String, Integer> TOTALS = new TreeMap<>();

  @BeforeAll
  static void startNode() {
    testKit =
        TestNodes.start(
            "ObjectModelTest",
            """
                    pekko.loglevel = ERROR
                    pekko.cluster.sharding.number-of-shards = 1
                    durable-objects.ask-timeout = 4s
                    durable-objects.entity.request-timeout = 3s
                    durable-objects.journal.snapshot-every = %d
                    durable-objects.storage.max-value-size = %d
                    durable-objects.storage.max-object-size = %d
                    durable-objects.passivation.idle-timeout = 400ms
                    durable-objects.passivation.active-object-limit = 1
                    durable-objects.namespaces.%s.class = "%s"
                    """
                .formatted(
                    SNAPSHOT_EVERY, MAX_VALUE, MAX_OBJECT, NAMESPACE, ModelObject.class.getName()));
    journal = PersistenceTestKit.create(testKit.system());
    snapshots = SnapshotTestKit.create(testKit.system());
    objects = DurableObjects.get(testKit.system()).namespace(NAMESPACE);
    codec = new ValueCodec(new ObjectMapper());
  }

  @AfterAll
  static void stopNode() {
    System.out.println("ObjectModelTest totals over all seeds: " + TOTALS);
    testKit.shutdownTestKit();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 42, 2024, 987_654_321, -77})
  void theObjectAlwaysAgreesWithASortedMapModel(long seed) throws Exception {
    Run run = new Run(seed);
    long started = System.nanoTime();
    try {
      run.run();
    } catch (Throwable t) {
      String where =
          "ObjectModelTest failed with seed "
              + seed
              + " at step "
              + run.step
              + " (last: "
              + run.last
              + ")\nrecent requests, oldest first:\n  "
              + String.join("\n  ", run.history)
              + "\nmodel: "
              + describe(run.model);
      System.err.println(where);
      throw new AssertionError(where + "\n" + t, t);
    } finally {
      journal.resetPolicy();
      snapshots.resetPolicy();
    }
    System.out.printf(
        "ObjectModelTest seed %d: %d requests, %d operations in %d ms; %s%n",
        seed,
        run.requests,
        run.operations,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        run.counts);
    run.counts.forEach((k, v) -> TOTALS.merge(k.name(), v, Integer::sum));
    run.assertCoverage();
  }

  /**
   * What the model test once found: when the journal (or the snapshot store) failed an activation's
   * recovery, the object actor stopped itself without passivating through sharding, so a request
   * that reached it meanwhile was dropped and its caller waited for the ask timeout (a 504) instead
   * of getting a 503 at once. Now the object answers 503 until sharding stops it.
   */
  @Test
  void everyRequestIsAnsweredWhenAnActivationCannotRecover() throws Exception {
    StoreApi other = objects.get(objects.idFromName("recovery-failure-other")).rpc(StoreApi.class);
    for (int round = 0; round < 30; round++) {
      DurableObjectStub stub = objects.get(objects.idFromName("recovery-failure-" + round));
      StoreApi api = stub.rpc(StoreApi.class);
      String persistenceId = "durable-object-" + NAMESPACE + "|" + stub.id();
      assertThat(outcome(api.put("k", "s:v").thenApply(v -> "ok")).out).containsExactly("ok");
      assertThat(outcome(other.get("x").thenApply(String::valueOf)).error).isNull();
      awaitEvicted(stub.id().toString());
      String store = round % 2 == 0 ? "journal" : "snapshot store";
      if (round % 2 == 0) {
        journal.failNextRead(persistenceId);
      } else {
        snapshots.failNextRead(persistenceId);
      }

      Outcome first = outcome(api.get("k"));
      assertThat(first.error)
          .as("round %d: the request whose activation finds the %s failing", round, store)
          .isNotNull();
      assertThat(first.error.status())
          .as(
              "round %d: status of the request whose activation finds the %s failing (%s)",
              round, store, first.error.getMessage())
          .isEqualTo(503);

      // Retries sent as soon as each answer arrives are all answered: 503 while the failed
      // activation is being stopped, then the value. None is lost (which would be a 504).
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      Outcome retry = outcome(api.get("k"));
      while (retry.error != null && System.nanoTime() < deadline) {
        assertThat(retry.error.status())
            .as("round %d: a retry sent as soon as the 503 (%s) arrived", round, store)
            .isEqualTo(503);
        retry = outcome(api.get("k"));
      }
      assertThat(retry.error).as("round %d: the object came back", round).isNull();
      assertThat(retry.out).containsExactly("s:v");
    }
  }

  private static Outcome outcome(CompletionStage<String> stage) throws Exception {
    return await(stage.thenApply(List::of).toCompletableFuture());
  }

  private static void awaitEvicted(String hex) {
    TestNodes.awaitInactive(testKit, NAMESPACE, hex);
  }

  private enum Mode {
    RPC_SIMPLE,
    RPC_SYNC,
    RPC_ASYNC,
    FETCH_SYNC,
    FETCH_ASYNC
  }

  private enum Restart {
    JOURNAL_WRITE_FAILED,
    EVICTED_BY_LIMIT,
    EVICTED_IDLE,
    RECOVERY_FAILED
  }

  /** What the coverage counts. */
  private enum Count {
    REQUEST_OK,
    REQUEST_OBJECT_ERROR,
    REQUEST_REFUSED_413,
    REQUEST_REFUSED_500,
    REQUEST_503,
    REFUSAL_CAUGHT,
    TX_RETURNED,
    TX_ABORTED,
    MODE_RPC_SIMPLE,
    MODE_RPC_SYNC,
    MODE_RPC_ASYNC,
    MODE_FETCH_SYNC,
    MODE_FETCH_ASYNC,
    BURST,
    BURST_WITH_JOURNAL_FAILURE,
    BURST_REQUEST_OK,
    BURST_REQUEST_503,
    RESTART_JOURNAL_WRITE_FAILED,
    RESTART_EVICTED_BY_LIMIT,
    RESTART_EVICTED_IDLE,
    RESTART_RECOVERY_FAILED,
    RECOVERY_EVENTS_ONLY,
    RECOVERY_SNAPSHOT_ONLY,
    RECOVERY_SNAPSHOT_AND_EVENTS,
    SNAPSHOT_SAVE_FAILURE_INJECTED,
    SNAPSHOTS_CHECKED
  }

  /** One seed's run against one fresh object. */
  private static final class Run {
    final long seed;
    final Random random;
    private final ModelKeys keys;
    final DurableObjectStub stub;
    final StoreApi api;
    final StoreApi evictor;
    final String hex;
    final String persistenceId;

    TreeMap<String, String> model = new TreeMap<>(ModelKeys.UTF8);

    /** The journal's highest sequence number, as the model counts it. */
    long seq;

    /** The model at each sequence number, where known (not inside a group-committed burst). */
    final Map<Long, TreeMap<String, String>> modelAt = new HashMap<>();

    final Set<Long> snapshotsChecked = new HashSet<>();
    final Map<Count, Integer> counts = new EnumMap<>(Count.class);
    final Deque<String> history = new ArrayDeque<>();
    int step;
    int requests;
    int operations;
    String last = "none";

    Run(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.keys = new ModelKeys(random, () -> model);
      this.stub = objects.get(objects.idFromName("model-" + seed));
      this.api = stub.rpc(StoreApi.class);
      this.evictor = objects.get(objects.idFromName("evictor-" + seed)).rpc(StoreApi.class);
      this.hex = stub.id().toString();
      this.persistenceId = "durable-object-" + NAMESPACE + "|" + hex;
      modelAt.put(0L, new TreeMap<>(ModelKeys.UTF8));
    }

    void run() throws Exception {
      int idleAt = 50 + random.nextInt(REQUESTS_PER_SEED - 100);
      int recoveryFailureAt = 50 + random.nextInt(REQUESTS_PER_SEED - 100);
      int failingBurstAt = 20 + random.nextInt(REQUESTS_PER_SEED - 40);
      int snapshotFailureAt = 20 + random.nextInt(REQUESTS_PER_SEED - 40);
      for (step = 1; step <= REQUESTS_PER_SEED; step++) {
        String kind = recoveryKind();
        int r = random.nextInt(1000);
        if (step == idleAt) {
          restart(Restart.EVICTED_IDLE);
        } else if (step == recoveryFailureAt) {
          restart(Restart.RECOVERY_FAILED);
        } else if (step == failingBurstAt) {
          burst(true);
        } else if (step == snapshotFailureAt) {
          injectSnapshotSaveFailure();
        } else if (kind != null && !counts.containsKey(Count.valueOf(kind))) {
          // The first chance of a recovery of a kind not seen yet in this seed: take it.
          restart(random.nextBoolean() ? Restart.JOURNAL_WRITE_FAILED : Restart.EVICTED_BY_LIMIT);
        } else if (r < 25) {
          restart(Restart.JOURNAL_WRITE_FAILED);
        } else if (r < 45) {
          restart(Restart.EVICTED_BY_LIMIT);
        } else if (r < 48) {
          restart(Restart.RECOVERY_FAILED);
        } else if (r < 80 && seq >= SNAPSHOT_EVERY) {
          burst(random.nextInt(3) == 0);
        } else if (r < 88) {
          injectSnapshotSaveFailure();
        } else {
          Mode mode = mode();
          request(mode, mode == Mode.RPC_SIMPLE ? simpleScript() : script(), false);
        }
        if (step % 40 == 0) {
          checkWholeState("periodic check");
        }
      }
      checkWholeState("end of seed");
      checkSnapshots();
    }

    /**
     * The object's next snapshot fails to save: the object must go on, and later recoveries use an
     * older snapshot and more events.
     */
    private void injectSnapshotSaveFailure() {
      remember("step " + step + ": the next snapshot save fails");
      snapshots.failNextPersisted(persistenceId);
      count(Count.SNAPSHOT_SAVE_FAILURE_INJECTED);
    }

    // ---- requests ---------------------------------------------------------------------------

    private Mode mode() {
      int r = random.nextInt(100);
      if (r < 25) {
        return Mode.RPC_SIMPLE;
      } else if (r < 45) {
        return Mode.RPC_SYNC;
      } else if (r < 60) {
        return Mode.RPC_ASYNC;
      } else if (r < 80) {
        return Mode.FETCH_SYNC;
      } else {
        return Mode.FETCH_ASYNC;
      }
    }

    /**
     * Sends one request and checks it against the model; with {@code journalFails} the journal
     * write it causes fails, so it must get a 503 and change nothing.
     */
    private void request(Mode mode, Script script, boolean journalFails) throws Exception {
      Expected expected = simulate(model, script);
      last = mode + " " + script + (journalFails ? " (its journal write fails)" : "");
      remember("step " + step + ": " + last);
      if (journalFails) {
        assertThat(expected.ok() && expected.changed).as("a request that writes").isTrue();
        journal.failNextPersisted(persistenceId);
      }
      count(Count.valueOf("MODE_" + mode.name()));
      Outcome outcome = await(send(mode, script));
      requests++;
      operations += operations(script.steps());
      if (journalFails) {
        assertUnavailable(outcome);
        count(Count.REQUEST_503);
        return;
      }
      check(expected, outcome);
      apply(expected);
    }

    private void check(Expected expected, Outcome outcome) {
      if (expected.ok()) {
        if (outcome.error != null) {
          fail(
              "expected success with "
                  + expected.out
                  + " but the object answered "
                  + outcome.error.status()
                  + " "
                  + outcome.error.code()
                  + ": "
                  + outcome.error.getMessage());
        }
        assertThat(outcome.out).as("results of " + last).isEqualTo(expected.out);
        count(Count.REQUEST_OK);
        expected.out.forEach(
            o -> {
              if (o.startsWith("refused:")) {
                count(Count.REFUSAL_CAUGHT);
              } else if (o.equals("tx:returned")) {
                count(Count.TX_RETURNED);
              } else if (o.equals("tx:aborted")) {
                count(Count.TX_ABORTED);
              }
            });
      } else {
        assertThat(outcome.error)
            .as(
                "%s should fail with %d %s, but returned %s",
                last, expected.status, expected.code, outcome.out)
            .isNotNull();
        assertThat(outcome.error.status())
            .as("status of " + last + ": " + outcome.error.getMessage())
            .isEqualTo(expected.status);
        assertThat(outcome.error.code()).as("code of " + last).isEqualTo(expected.code);
        count(
            expected.code.equals("object_error")
                ? Count.REQUEST_OBJECT_ERROR
                : expected.status == 413 ? Count.REQUEST_REFUSED_413 : Count.REQUEST_REFUSED_500);
      }
    }

    /** An acknowledged request changes the model; a failed one changes nothing. */
    private void apply(Expected expected) {
      if (expected.ok()) {
        model = expected.after;
        if (expected.changed) {
          seq++;
          modelAt.put(seq, new TreeMap<>(model));
        }
      }
    }

    private void assertUnavailable(Outcome outcome) {
      assertThat(outcome.error)
          .as("%s should fail with 503, but returned %s", last, outcome.out)
          .isNotNull();
      assertThat(outcome.error.status())
          .as("status of " + last + ": " + outcome.error.getMessage())
          .isEqualTo(503);
      assertThat(outcome.error.code()).isEqualTo("unavailable");
    }

    private CompletableFuture<List<String>> send(Mode mode, Script script) throws Exception {
      return switch (mode) {
        case RPC_SIMPLE -> simple(script.steps().get(0));
        case RPC_SYNC -> api.run(script).toCompletableFuture();
        case RPC_ASYNC -> api.runAsync(script).toCompletableFuture();
        case FETCH_SYNC -> fetch("/run", script);
        case FETCH_ASYNC -> fetch("/run-async", script);
      };
    }

    private CompletableFuture<List<String>> fetch(String path, Script script) throws Exception {
      Request request = Request.of("POST", path).withBody(JSON.writeValueAsBytes(script));
      return stub.fetch(request)
          .thenApply(
              response -> {
                assertThat(response.status()).as("status of a successful fetch").isEqualTo(200);
                try {
                  return JSON.readValue(response.body(), new TypeReference<List<String>>() {});
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toCompletableFuture();
    }

    /** A one-step script through the object's plain RPC methods. */
    private CompletableFuture<List<String>> simple(Step s) {
      CompletionStage<String> result =
          switch (s.op()) {
            case "get" -> api.get(s.key()).thenApply(v -> v == null ? ABSENT : v);
            case "getMany" -> api.getMany(s.keys()).thenApply(ObjectModelTest::formatKv);
            case "put" -> api.put(s.key(), s.value()).thenApply(v -> "ok");
            case "putAll" -> api.putAll(s.entries()).thenApply(v -> "ok");
            case "delete" -> api.delete(s.key()).thenApply(String::valueOf);
            case "deleteMany" -> api.deleteMany(s.keys()).thenApply(String::valueOf);
            case "deleteAll" -> api.deleteAll().thenApply(v -> "ok");
            case "list" -> api.list(s.list()).thenApply(ObjectModelTest::formatKv);
            default -> throw new IllegalArgumentException(s.op());
          };
      return result.thenApply(List::of).toCompletableFuture();
    }

    // ---- concurrent requests ------------------------------------------------------------------

    /**
     * Sends {@value #BURST} requests at once, each on its own key, so that they run while each
     * other's writes are in flight and are committed in shared journal writes. Since their keys
     * differ, each one's outcome is known from the model alone, whatever order they run in. With
     * {@code journalFails} one journal write fails: the requests whose writes it held (and those
     * waiting behind it) get a 503 and must not be applied; the others must be.
     */
    private void burst(boolean journalFails) throws Exception {
      Set<String> taken = new TreeSet<>(ModelKeys.UTF8);
      List<String> keys = new ArrayList<>();
      if (journalFails && !model.isEmpty() && bytes(model) + 100 > MAX_OBJECT) {
        // Too full to be sure the first request can put: it deletes a stored key instead, which
        // writes all the same.
        keys.add(model.lastKey());
        taken.add(model.lastKey());
      }
      while (keys.size() < BURST) {
        String key = key();
        if (taken.add(key)) {
          keys.add(key);
        }
      }
      // Whatever order the requests run in, no put may meet the object limit.
      long budget = MAX_OBJECT - bytes(model);
      List<Script> scripts = new ArrayList<>();
      List<Mode> modes = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        String key = keys.get(i);
        String value = smallValue();
        long worst = utf8(key) + 1 + valueBytes(value);
        boolean mayPut = worst <= budget;
        if (mayPut) {
          budget -= worst;
        }
        int r = journalFails && i == 0 ? (mayPut ? 0 : 1) : random.nextInt(5);
        Step put = Step.of("put").withKey(key).withValue(value);
        Script script =
            switch (mayPut ? r : 1) {
              case 0 -> new Script(List.of(put), false, false);
              case 1 -> new Script(List.of(Step.of("delete").withKey(key)), false, false);
              case 2 ->
                  new Script(
                      List.of(Step.of("get").withKey(key), put, Step.of("get").withKey(key)),
                      false,
                      false);
              case 3 ->
                  new Script(
                      List.of(Step.of("putAll").withEntries(List.of(new KV(key, value)))),
                      false,
                      false);
              default ->
                  new Script(
                      List.of(
                          Step.of("tx").withBody(List.of(put), random.nextBoolean()),
                          Step.of("get").withKey(key)),
                      false,
                      false);
            };
        scripts.add(script);
        Mode mode = mode();
        modes.add(mode == Mode.RPC_SIMPLE && script.steps().size() > 1 ? Mode.RPC_SYNC : mode);
      }
      if (journalFails) {
        assertThat(simulate(model, scripts.get(0)).changed).as("the first request writes").isTrue();
      }
      last =
          "burst of "
              + BURST
              + (journalFails ? " with a failing journal write" : "")
              + ": "
              + scripts;
      remember("step " + step + ": " + last);
      count(journalFails ? Count.BURST_WITH_JOURNAL_FAILURE : Count.BURST);
      int activationsBefore = activations();
      if (journalFails) {
        journal.failNextPersisted(persistenceId);
      }
      List<CompletableFuture<List<String>>> futures = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        futures.add(send(modes.get(i), scripts.get(i)));
      }
      int unavailable = 0;
      TreeMap<String, String> base = model;
      TreeMap<String, String> after = new TreeMap<>(model);
      for (int i = 0; i < BURST; i++) {
        Script script = scripts.get(i);
        Expected expected = simulate(base, script);
        Outcome outcome = await(futures.get(i));
        requests++;
        operations += operations(script.steps());
        String key = keys.get(i);
        if (journalFails && outcome.error != null && outcome.error.status() == 503) {
          unavailable++;
          count(Count.BURST_REQUEST_503);
          continue; // not acknowledged: not applied
        }
        last = "burst request " + i + " " + modes.get(i) + " " + script;
        check(expected, outcome);
        count(Count.BURST_REQUEST_OK);
        if (expected.ok()) {
          if (expected.after.containsKey(key)) {
            after.put(key, expected.after.get(key));
          } else {
            after.remove(key);
          }
          if (expected.changed) {
            seq++;
          }
        }
      }
      model = after;
      modelAt.put(seq, new TreeMap<>(model)); // the intermediate states depend on the order
      last = "after a burst";
      if (journalFails) {
        assertThat(unavailable)
            .as("requests that got a 503 from the failed journal write")
            .isPositive();
        count(Count.RESTART_JOURNAL_WRITE_FAILED);
        // The new instance was made right after the recovery, before the requests that waited
        // for it ran: what its constructor saw is not the model of now.
        checkRestarted(activationsBefore, false);
      } else {
        checkWholeState("after a burst");
      }
    }

    // ---- restarts -----------------------------------------------------------------------------

    /**
     * How the object would recover now: from events only, a snapshot only, or a snapshot plus
     * events; null before its first write. Also checks every snapshot the store holds.
     */
    private String recoveryKind() {
      if (seq == 0) {
        return null;
      }
      long latest = checkSnapshots();
      Count kind =
          latest < 0
              ? Count.RECOVERY_EVENTS_ONLY
              : latest == seq ? Count.RECOVERY_SNAPSHOT_ONLY : Count.RECOVERY_SNAPSHOT_AND_EVENTS;
      return kind.name();
    }

    /**
     * Every snapshot in the store must be at a sequence number the journal has reached and hold
     * exactly the model at that point. Returns the latest snapshot's sequence number, or -1.
     */
    private long checkSnapshots() {
      long latest = -1;
      for (Pair<SnapshotMeta, Object> snapshot : snapshots.persistedInStorage(persistenceId)) {
        long at = snapshot.first().sequenceNr();
        latest = Math.max(latest, at);
        assertThat(at).as("a snapshot's sequence number").isLessThanOrEqualTo(seq);
        TreeMap<String, String> expected = modelAt.get(at);
        if (expected != null && snapshotsChecked.add(at)) {
          assertThat(snapshot.second()).isInstanceOf(CommittedState.class);
          CommittedState state = (CommittedState) snapshot.second();
          List<KV> entries = new ArrayList<>();
          state
              .data()
              .iterator()
              .forEachRemaining(
                  e -> {
                    Object value = codec.decode(e.getKey(), e.getValue(), Object.class);
                    entries.add(new KV(e.getKey(), ModelObject.tag(value)));
                  });
          assertThat(formatKv(entries)).as("the snapshot at " + at).isEqualTo(describe(expected));
          count(Count.SNAPSHOTS_CHECKED);
        }
      }
      return latest;
    }

    private void restart(Restart how) throws Exception {
      String kind = recoveryKind();
      int activationsBefore = activations();
      last = "restart: " + how + (kind == null ? "" : " (" + kind + ")");
      remember("step " + step + ": " + last);
      switch (how) {
        case JOURNAL_WRITE_FAILED -> {
          Mode mode = mode();
          request(mode, writingScript(mode), true);
        }
        case EVICTED_BY_LIMIT -> evict();
        case EVICTED_IDLE -> awaitEvicted(hex);
        case RECOVERY_FAILED -> {
          evict();
          if (random.nextBoolean()) {
            journal.failNextRead(persistenceId);
          } else {
            snapshots.failNextRead(persistenceId);
          }
          // The request that activates the object finds its recovery failing: 503, not applied.
          Mode mode = mode();
          Script script = mode == Mode.RPC_SIMPLE ? simpleScript() : script();
          last = "activation whose recovery fails, by " + mode + " " + script;
          remember("step " + step + ": " + last);
          assertUnavailable(await(send(mode, script)));
          count(Count.REQUEST_503);
        }
      }
      count(Count.valueOf("RESTART_" + how.name()));
      if (kind != null && how != Restart.RECOVERY_FAILED) {
        count(Count.valueOf(kind));
      }
      checkRestarted(activationsBefore, true);
    }

    /**
     * A new instance must have started and see exactly the model (in its constructor too, if
     * nothing was written since it started).
     */
    private void checkRestarted(int activationsBefore, boolean checkConstructor) throws Exception {
      last = "checking the restarted object";
      // An object whose activation failed answers 503 until sharding has stopped it; a client
      // retries those, so this does too (for a bounded time).
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      Outcome outcome;
      while (true) {
        outcome =
            await(
                api.info()
                    .thenApply(info -> info.stream().map(String::valueOf).toList())
                    .toCompletableFuture());
        if (outcome.error == null || !outcome.error.isRetryable() || System.nanoTime() > deadline) {
          break;
        }
        CompletableFuture.runAsync(
                () -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
            .join();
      }
      assertThat(outcome.error).as("info() after a restart").isNull();
      assertThat(Integer.parseInt(outcome.out.get(0)))
          .as("activation number after a restart")
          .isGreaterThan(activationsBefore);
      if (checkConstructor) {
        assertThat(Integer.parseInt(outcome.out.get(1)))
            .as("keys the new instance saw in its constructor")
            .isEqualTo(model.size());
      }
      checkWholeState("after a restart");
    }

    /** Activating another object evicts this one (the active-object limit is 1). */
    private void evict() throws Exception {
      Outcome outcome = outcome(evictor.get("x").thenApply(String::valueOf));
      assertThat(outcome.error).as("a read on the other object").isNull();
      awaitEvicted(hex);
    }

    private int activations() {
      AtomicInteger n = ModelObject.ACTIVATIONS.get(hex);
      return n == null ? 0 : n.get();
    }

    /** The whole state, listed through RPC or fetch, against the model. */
    private void checkWholeState(String when) throws Exception {
      boolean byFetch = random.nextBoolean();
      last = "full listing " + when + (byFetch ? " by fetch" : " by RPC");
      Outcome outcome =
          byFetch
              ? await(
                  stub.fetch(Request.of("GET", "/list"))
                      .thenApply(
                          r -> {
                            try {
                              return JSON.readValue(r.body(), new TypeReference<List<String>>() {});
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          })
                      .toCompletableFuture())
              : await(
                  api.list(ListSpec.ALL)
                      .thenApply(kvs -> List.of(formatKv(kvs)))
                      .toCompletableFuture());
      assertThat(outcome.error).as(last).isNull();
      assertThat(outcome.out).as(last).containsExactly(describe(model));
    }

    // ---- generators ----------------------------------------------------------------------------

    /** A script the model says succeeds and writes: its journal write is the one that fails. */
    private Script writingScript(Mode mode) {
      for (int attempt = 0; attempt < 50; attempt++) {
        Script script = mode == Mode.RPC_SIMPLE ? simpleScript() : script();
        Expected expected = simulate(model, script);
        if (expected.ok() && expected.changed) {
          return script;
        }
      }
      return new Script(
          List.of(
              model.isEmpty()
                  ? Step.of("put").withKey("a").withValue("s:x")
                  : Step.of("delete").withKey(model.firstKey())),
          false,
          false);
    }

    private Script script() {
      int count = 1 + random.nextInt(6);
      List<Step> steps = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        steps.add(randomStep(0));
      }
      return new Script(steps, random.nextInt(100) < 7, random.nextBoolean());
    }

    private Script simpleScript() {
      int r = random.nextInt(100);
      Step step;
      if (r < 20) {
        step = Step.of("get").withKey(key());
      } else if (r < 27) {
        step = Step.of("getMany").withKeys(keys());
      } else if (r < 52) {
        step = Step.of("put").withKey(key()).withValue(value());
      } else if (r < 60) {
        step = Step.of("putAll").withEntries(entries());
      } else if (r < 72) {
        step = Step.of("delete").withKey(key());
      } else if (r < 78) {
        step = Step.of("deleteMany").withKeys(keys());
      } else if (r < 79) {
        step = Step.of("deleteAll");
      } else {
        step = Step.of("list").withList(listSpec());
      }
      return new Script(List.of(step), false, false);
    }

    private Step randomStep(int depth) {
      int r = random.nextInt(100);
      boolean catching = random.nextInt(3) == 0;
      if (r < 14) {
        return Step.of("get").withKey(key()).withVariant(random.nextInt(2));
      } else if (r < 19) {
        return Step.of("getMany").withKeys(keys());
      } else if (r < 42) {
        return Step.of("put")
            .withKey(key())
            .withValue(value())
            .withVariant(random.nextInt(2))
            .catching(catching);
      } else if (r < 50) {
        return Step.of("putAll").withEntries(entries()).catching(catching);
      } else if (r < 60) {
        return Step.of("delete").withKey(key()).withVariant(random.nextInt(2));
      } else if (r < 65) {
        return Step.of("deleteMany").withKeys(keys());
      } else if (r < 66) {
        return Step.of("deleteAll");
      } else if (r < 80) {
        return Step.of("list").withList(listSpec()).withVariant(random.nextInt(2));
      } else if (r < 92 && depth < 3) {
        int inner = random.nextInt(5);
        List<Step> body = new ArrayList<>();
        for (int i = 0; i < inner; i++) {
          body.add(randomStep(depth + 1));
        }
        return Step.of("tx").withBody(body, random.nextInt(3) == 0).catching(catching);
      } else if (r < 96) {
        return Step.of("invalid").withVariant(random.nextInt(12)).catching(random.nextInt(10) < 7);
      } else {
        return Step.of("get").withKey(key());
      }
    }

    private String key() {
      return keys.key();
    }

    private List<String> keys() {
      int count = random.nextInt(6);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        keys.add(key());
      }
      return keys;
    }

    private List<KV> entries() {
      int count = 1 + random.nextInt(4);
      List<KV> entries = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        entries.add(new KV(key(), random.nextInt(40) == 0 ? "null" : value()));
      }
      return entries;
    }

    /** A value in tagged form; about one in ten is larger than the value limit. */
    private String value() {
      int r = random.nextInt(100);
      if (r < 2) {
        return "null";
      } else if (r < 60) {
        int length = random.nextInt(48);
        StringBuilder s = new StringBuilder("s:");
        for (int i = 0; i < length; i++) {
          s.append(VALUE_CHARS[random.nextInt(VALUE_CHARS.length)]);
        }
        return s.toString();
      } else if (r < 85) {
        byte[] raw = new byte[random.nextInt(MAX_VALUE + 8)];
        random.nextBytes(raw);
        return "b:" + HexFormat.of().formatHex(raw);
      } else {
        return "n:" + (random.nextBoolean() ? random.nextInt(1000) : random.nextLong());
      }
    }

    /** A value well within the value limit. */
    private String smallValue() {
      StringBuilder s = new StringBuilder("s:");
      int length = random.nextInt(12);
      for (int i = 0; i < length; i++) {
        s.append(VALUE_CHARS[random.nextInt(VALUE_CHARS.length)]);
      }
      return s.toString();
    }

    private ListSpec listSpec() {
      if (random.nextInt(10) == 0) {
        return ListSpec.ALL;
      }
      String lower = random.nextInt(3) == 0 ? null : randomString(random.nextInt(3));
      boolean exclusive = random.nextBoolean();
      String end = random.nextInt(3) == 0 ? null : randomString(random.nextInt(3));
      String prefix = random.nextInt(3) == 0 ? null : prefix();
      int limit = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(8);
      return new ListSpec(
          exclusive ? null : lower,
          exclusive ? lower : null,
          end,
          prefix,
          random.nextBoolean(),
          limit);
    }

    private String prefix() {
      return keys.prefix();
    }

    private String randomString(int codePoints) {
      return keys.randomString(codePoints);
    }

    // ---- bookkeeping ---------------------------------------------------------------------------

    private static int operations(List<Step> steps) {
      int n = 0;
      for (Step s : steps) {
        n += 1 + (s.body() == null ? 0 : operations(s.body()));
      }
      return n;
    }

    private void remember(String line) {
      history.addLast(line.length() > 400 ? line.substring(0, 400) + "…" : line);
      if (history.size() > 12) {
        history.removeFirst();
      }
    }

    private void count(Count c) {
      counts.merge(c, 1, Integer::sum);
    }

    void assertCoverage() {
      for (Count c : Count.values()) {
        assertThat(counts.getOrDefault(c, 0))
            .as("seed " + seed + ": occurrences of " + c)
            .isPositive();
      }
      assertThat(operations).isGreaterThanOrEqualTo(1000);
    }
  }

  /** A request's outcome: its results, or the error the stub reported. */
  private record Outcome(List<String> out, DurableObjectException error) {}

  private static Outcome await(CompletableFuture<List<String>> future) throws Exception {
    try {
      return new Outcome(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof DurableObjectException error) {
        return new Outcome(null, error);
      }
      throw new AssertionError("the request failed with " + cause, cause);
    }
  }
}
