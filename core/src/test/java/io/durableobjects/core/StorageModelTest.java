package io.durableobjects.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.ObjectStorage;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.serialization.JournalSerializer;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.StorageSettings;
import io.durableobjects.core.internal.storage.TransactionalStorage;
import io.durableobjects.core.internal.storage.ValueCodec;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-based test of an object's storage: random requests of random operations, run both against
 * the real storage ({@link ObjectStorage} over {@link TransactionalStorage}, committed through
 * {@link TransactionCommitted} events and {@link CommittedState}, serialized with {@link
 * JournalSerializer}) and against a plain {@link TreeMap} ordered by UTF-8 bytes. Every read must
 * agree with the model, the whole state is compared after every operation, and the state recovered
 * after a "restart" (a snapshot taken at a random earlier point plus the journal after it, all
 * deserialized) must equal the model.
 *
 * <p>The limits are tiny, so that size refusals happen often and must be predicted exactly. To
 * reproduce a failure, run the seed printed in the failure message alone.
 */
class StorageModelTest {
  private static final int OPERATIONS = 5_000;
  private static final int MAX_VALUE = 24;
  private static final long MAX_OBJECT = 600;

  private static final String VALUE_CHARS = "abcdefghijklmnopqrstuvwxyzé";

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 7, 42, 1_000_003, 20_240_601, -5_551_212})
  void storageAgreesWithASortedMapModel(long seed) {
    Run run = new Run(seed);
    try {
      run.run();
    } catch (Throwable t) {
      String where =
          "StorageModelTest failed with seed "
              + seed
              + " at operation "
              + run.operations
              + " (last: "
              + run.last
              + ")";
      System.err.println(where);
      throw new AssertionError(where + ": " + t, t);
    }
    run.assertCoverage();
  }

  private enum Op {
    GET,
    GET_MANY,
    PUT,
    PUT_MANY,
    DELETE,
    DELETE_MANY,
    DELETE_ALL,
    LIST,
    TRANSACTION,
    INVALID
  }

  private enum Event {
    COMMITTED,
    FAILED,
    CRASHED,
    RESTARTED,
    RESTARTED_FROM_SNAPSHOT,
    SNAPSHOT,
    VALUE_LIMIT_REFUSED,
    OBJECT_LIMIT_REFUSED,
    TX_ABORTED,
    TX_RETURNED,
    DELETE_ALL_IN_EVENT,
    LIMIT_CHANGED,
    ABOVE_LIMIT_SHRANK
  }

  /** Thrown by a transaction body to abort it. */
  private static final class Abort extends RuntimeException {
    Abort() {
      super("abort", null, false, false);
    }
  }

  private record Snapshot(int sequenceNr, byte[] bytes) {}

  private static final class Run {
    private final Random random;
    private final ModelKeys keys;
    private final ValueCodec codec =
        new ValueCodec(new ObjectMapper(), new StorageSettings(MAX_VALUE, MAX_OBJECT));
    private final JournalSerializer serializer = new JournalSerializer();

    private final List<byte[]> journal = new ArrayList<>();
    private final List<Snapshot> snapshots = new ArrayList<>();
    private CommittedState committed = CommittedState.EMPTY;
    private KeyValueState working = KeyValueState.empty();
    private TreeMap<String, Object> committedModel = new TreeMap<>(ModelKeys.UTF8);

    /** The object limit of the current incarnation: a restart may lower or raise it. */
    private long maxObject = MAX_OBJECT;

    private ObjectStorage storage = new ObjectStorage(codec);

    /** The model of the request being run. */
    private TreeMap<String, Object> model;

    private TransactionalStorage tx;

    private int operations;
    private String last = "none";
    private final Map<Op, Integer> opCounts = new EnumMap<>(Op.class);
    private final Map<Event, Integer> eventCounts = new EnumMap<>(Event.class);

    Run(long seed) {
      this.random = new Random(seed);
      this.keys = new ModelKeys(random, () -> model);
    }

    void run() throws Exception {
      while (operations < OPERATIONS) {
        if (random.nextInt(100) < 4) {
          restart();
        }
        request();
      }
      restart();
    }

    // ---- requests ----------------------------------------------------------------------------

    private void request() throws Exception {
      tx = storage.begin(working);
      model = new TreeMap<>(committedModel);
      int count = 1 + random.nextInt(12);
      for (int i = 0; i < count; i++) {
        operation(storage, 0);
        assertSameState(tx.result(), model);
      }
      storage.end();
      int outcome = random.nextInt(100);
      if (outcome < 70) {
        commit();
      } else {
        count(outcome < 95 ? Event.FAILED : Event.CRASHED);
        // The request's writes are dropped: nothing to do but check that nothing leaked.
        assertSameState(working, committedModel);
        if (outcome >= 95) {
          restart();
        }
      }
    }

    private void commit() throws NotSerializableException {
      count(Event.COMMITTED);
      if (tx.hasChanges()) {
        TransactionCommitted event = tx.toEvent();
        byte[] bytes = serializer.toBinary(event);
        TransactionCommitted back =
            (TransactionCommitted) serializer.fromBinary(bytes, serializer.manifest(event));
        assertThat(back).isEqualTo(event);
        if (back.deleteAll()) {
          count(Event.DELETE_ALL_IN_EVENT);
        }
        journal.add(bytes);
        committed = committed.apply(back);
        assertThat(committed.data()).isEqualTo(tx.result());
      } else {
        assertThat(tx.result()).isEqualTo(working);
      }
      working = tx.result();
      committedModel = model;
      assertSameState(committed.data(), committedModel);
      if (random.nextInt(100) < 8) {
        snapshots.add(new Snapshot(journal.size(), serializer.toBinary(committed)));
        count(Event.SNAPSHOT);
      }
    }

    /** Recovers like the journal does: a random earlier snapshot (or none), then the events. */
    private void restart() throws NotSerializableException {
      count(Event.RESTARTED);
      int pick = random.nextInt(snapshots.size() + 1) - 1;
      CommittedState recovered = CommittedState.EMPTY;
      int from = 0;
      if (pick >= 0) {
        Snapshot snapshot = snapshots.get(pick);
        recovered = (CommittedState) serializer.fromBinary(snapshot.bytes(), "object-snapshot");
        from = snapshot.sequenceNr();
        count(Event.RESTARTED_FROM_SNAPSHOT);
      }
      for (int i = from; i < journal.size(); i++) {
        recovered =
            recovered.apply(
                (TransactionCommitted)
                    serializer.fromBinary(journal.get(i), "transaction-committed"));
      }
      assertSameState(recovered.data(), committedModel);
      assertThat(recovered).isEqualTo(committed);
      committed = recovered;
      working = recovered.data();
      // A new incarnation of the object, sometimes under another object limit (a configuration
      // change): an object above a lowered limit must still accept writes that do not grow it.
      if (random.nextBoolean()) {
        maxObject = MAX_OBJECT / 3 + random.nextInt((int) MAX_OBJECT);
        count(Event.LIMIT_CHANGED);
      }
      storage = new ObjectStorage(codec, maxObject);
    }

    // ---- operations --------------------------------------------------------------------------

    private void operation(Storage s, int depth) {
      operations++;
      Op op = pickOp(depth);
      opCounts.merge(op, 1, Integer::sum);
      switch (op) {
        case GET -> get(s);
        case GET_MANY -> getMany(s);
        case PUT -> put(s);
        case PUT_MANY -> putMany(s);
        case DELETE -> delete(s);
        case DELETE_MANY -> deleteMany(s);
        case DELETE_ALL -> {
          last = "deleteAll()";
          s.deleteAll();
          model.clear();
        }
        case LIST -> list(s);
        case TRANSACTION -> transaction(s, depth);
        case INVALID -> invalid(s);
      }
    }

    private Op pickOp(int depth) {
      if (random.nextInt(250) == 0) {
        return Op.DELETE_ALL; // rare, so that the object limit is reached between them
      }
      int r = random.nextInt(100);
      if (r < 16) {
        return Op.GET;
      } else if (r < 21) {
        return Op.GET_MANY;
      } else if (r < 45) {
        return Op.PUT;
      } else if (r < 53) {
        return Op.PUT_MANY;
      } else if (r < 64) {
        return Op.DELETE;
      } else if (r < 70) {
        return Op.DELETE_MANY;
      } else if (r < 87) {
        return Op.LIST;
      } else if (r < 96) {
        return depth < 3 ? Op.TRANSACTION : Op.GET;
      } else {
        return Op.INVALID;
      }
    }

    private void get(Storage s) {
      String key = key();
      Object expected = model.get(key);
      int how = random.nextInt(3);
      Object actual;
      if (how == 0) {
        last = "get(" + key + ", Object)";
        actual = s.get(key, Object.class).orElse(null);
      } else if (expected instanceof byte[] || (expected == null && how == 1)) {
        last = "get(StorageKey(" + key + ", byte[]))";
        actual = s.get(StorageKey.of(key, byte[].class)).orElse(null);
      } else {
        last = "get(" + key + ", String)";
        actual = s.get(key, String.class).orElse(null);
      }
      assertThat(normalize(actual)).as(last).isEqualTo(normalize(expected));
    }

    private void getMany(Storage s) {
      List<String> keys = keys();
      last = "get(" + keys + ")";
      List<String> actual = new ArrayList<>();
      s.get(keys, Object.class).forEach((k, v) -> actual.add(k + "=" + normalize(v)));
      List<String> expected = new ArrayList<>();
      TreeSet<String> distinct = new TreeSet<>(ModelKeys.UTF8);
      distinct.addAll(keys);
      for (String key : distinct) {
        if (model.containsKey(key)) {
          expected.add(key + "=" + normalize(model.get(key)));
        }
      }
      assertThat(actual).as(last).containsExactlyElementsOf(expected);
    }

    private void put(Storage s) {
      String key = key();
      Object value = value();
      last = "put(" + key + ", " + normalize(value) + ")";
      String refusal = refusal(Map.of(key, value));
      try {
        if (value instanceof String text && random.nextBoolean()) {
          s.put(StorageKey.of(key, String.class), text);
        } else {
          s.put(key, value);
        }
        assertThat(refusal).as(last + " succeeded, but the model refuses it").isNull();
        model.put(key, value);
      } catch (StorageException e) {
        assertRefused(e, refusal);
      }
    }

    private void putMany(Storage s) {
      Map<String, Object> entries = new LinkedHashMap<>();
      int count = 1 + random.nextInt(5);
      for (int i = 0; i < count; i++) {
        entries.put(key(), random.nextInt(30) == 0 ? null : value());
      }
      last = "put(" + entries.keySet() + ")";
      String refusal = refusal(entries);
      try {
        s.put(entries);
        assertThat(refusal).as(last + " succeeded, but the model refuses it").isNull();
        model.putAll(entries);
      } catch (StorageException e) {
        assertRefused(e, refusal);
      }
    }

    /** Why the model refuses to store these entries, or null; all or nothing. */
    private String refusal(Map<String, Object> entries) {
      long before = bytes(model);
      TreeMap<String, Object> after = new TreeMap<>(model);
      for (Map.Entry<String, Object> entry : entries.entrySet()) {
        if (entry.getValue() == null) {
          return "cannot store null";
        }
        if (valueBytes(entry.getValue()) > MAX_VALUE) {
          return "value for key";
        }
        after.put(entry.getKey(), entry.getValue());
      }
      long total = bytes(after);
      if (total > maxObject && before > maxObject && total <= before) {
        count(Event.ABOVE_LIMIT_SHRANK);
      }
      return total > maxObject && total > before ? "would make the object's storage" : null;
    }

    private void assertRefused(StorageException e, String refusal) {
      assertThat(refusal).as(last + " was refused (" + e.getMessage() + ")").isNotNull();
      assertThat(e.getMessage()).as(last).contains(refusal);
      assertThat(e.isLimitExceeded()).isEqualTo(!refusal.equals("cannot store null"));
      if (e.isLimitExceeded()) {
        count(refusal.startsWith("value") ? Event.VALUE_LIMIT_REFUSED : Event.OBJECT_LIMIT_REFUSED);
      }
    }

    private void delete(Storage s) {
      String key = key();
      boolean expected = model.remove(key) != null;
      boolean actual;
      if (random.nextBoolean()) {
        last = "delete(" + key + ")";
        actual = s.delete(key);
      } else {
        last = "delete(StorageKey(" + key + "))";
        actual = s.delete(StorageKey.of(key, Object.class));
      }
      assertThat(actual).as(last).isEqualTo(expected);
    }

    private void deleteMany(Storage s) {
      List<String> keys = keys();
      last = "delete(" + keys + ")";
      int expected = 0;
      for (String key : new TreeSet<>(keys)) {
        if (model.remove(key) != null) {
          expected++;
        }
      }
      assertThat(s.delete(keys)).as(last).isEqualTo(expected);
    }

    private void list(Storage s) {
      String lower = random.nextInt(3) == 0 ? null : bound();
      boolean exclusive = random.nextBoolean();
      String end = random.nextInt(3) == 0 ? null : bound();
      String prefix = random.nextInt(3) == 0 ? null : prefix();
      boolean reverse = random.nextBoolean();
      int limit = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(8);
      ListOptions options = ListOptions.create();
      options = exclusive ? options.withStartAfter(lower) : options.withStart(lower);
      options = options.withEnd(end).withPrefix(prefix).withReverse(reverse);
      if (limit > 0) {
        options = options.withLimit(limit);
      }
      last = "list(" + options + ")";

      List<String> expected = new ArrayList<>();
      for (Map.Entry<String, Object> entry : model.entrySet()) {
        String key = entry.getKey();
        boolean matches =
            (lower == null
                    || (exclusive
                        ? ModelKeys.UTF8.compare(key, lower) > 0
                        : ModelKeys.UTF8.compare(key, lower) >= 0))
                && (end == null || ModelKeys.UTF8.compare(key, end) < 0)
                && (prefix == null || key.startsWith(prefix));
        if (matches) {
          expected.add(key + "=" + normalize(entry.getValue()));
        }
      }
      if (reverse) {
        java.util.Collections.reverse(expected);
      }
      if (limit > 0 && expected.size() > limit) {
        expected = expected.subList(0, limit);
      }
      List<String> actual = new ArrayList<>();
      Map<String, Object> listed =
          limit == 0 && lower == null && end == null && prefix == null && !reverse
              ? s.list(Object.class)
              : s.list(options, Object.class);
      listed.forEach((k, v) -> actual.add(k + "=" + normalize(v)));
      assertThat(actual).as(last).containsExactlyElementsOf(expected);
    }

    private void transaction(Storage s, int depth) {
      TreeMap<String, Object> saved = new TreeMap<>(model);
      boolean abort = random.nextInt(3) == 0;
      int inner = random.nextInt(6);
      int token = random.nextInt();
      last = "transaction(" + inner + " operations" + (abort ? ", aborts" : "") + ")";
      try {
        int returned =
            s.transaction(
                body -> {
                  for (int i = 0; i < inner; i++) {
                    operation(body, depth + 1);
                    assertSameState(tx.result(), model);
                  }
                  if (abort) {
                    throw new Abort();
                  }
                  return token;
                });
        assertThat(abort).as("the transaction should have thrown").isFalse();
        assertThat(returned).isEqualTo(token);
        count(Event.TX_RETURNED);
      } catch (Abort a) {
        assertThat(abort).isTrue();
        model = saved;
        count(Event.TX_ABORTED);
      }
    }

    private void invalid(Storage s) {
      String key =
          switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> "k".repeat(Storage.MAX_KEY_BYTES + 1 + random.nextInt(3));
            case 2 -> "\uD83D".repeat(1 + random.nextInt(2));
            default -> "\uDE00x";
          };
      int which = random.nextInt(4);
      last = "invalid operation " + which + " on a key of length " + key.length();
      try {
        switch (which) {
          case 0 -> s.put(key, "v");
          case 1 -> s.get(key, String.class);
          case 2 -> s.delete(List.of("a", key));
          default -> s.put(Map.of("a", "v", key, "w"));
        }
        fail(last + " was accepted");
      } catch (StorageException expected) {
        // refused, nothing written: the state check after the operation proves it
      }
    }

    // ---- generators --------------------------------------------------------------------------

    private String key() {
      return keys.key();
    }

    private List<String> keys() {
      int count = random.nextInt(7);
      List<String> keys = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        keys.add(key());
      }
      return keys;
    }

    private String bound() {
      return randomString(random.nextInt(3));
    }

    private String prefix() {
      return keys.prefix();
    }

    private String randomString(int codePoints) {
      return keys.randomString(codePoints);
    }

    private Object value() {
      int length = random.nextInt(MAX_VALUE + 3);
      if (random.nextInt(4) == 0) {
        byte[] raw = new byte[length];
        random.nextBytes(raw);
        return raw;
      }
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < length - 2; i++) {
        s.append(VALUE_CHARS.charAt(random.nextInt(VALUE_CHARS.length())));
      }
      return s.toString();
    }

    // ---- the model's sizes and the state comparison -------------------------------------------

    private static long valueBytes(Object value) {
      if (value instanceof byte[] raw) {
        return raw.length;
      }
      // JSON of a string of letters: the UTF-8 bytes between two quotes.
      return 2 + ((String) value).getBytes(StandardCharsets.UTF_8).length;
    }

    /** The model's size, counted like the storage: UTF-8 keys plus tag byte plus value. */
    private static long bytes(TreeMap<String, Object> model) {
      long total = 0;
      for (Map.Entry<String, Object> entry : model.entrySet()) {
        total +=
            entry.getKey().getBytes(StandardCharsets.UTF_8).length
                + 1
                + valueBytes(entry.getValue());
      }
      return total;
    }

    /** The whole state against the model: keys in order, values, size and byte count. */
    private void assertSameState(KeyValueState state, TreeMap<String, Object> expected) {
      // Plain comparisons first (this runs after every operation); AssertJ only to report.
      boolean same = state.size() == expected.size() && state.bytes() == bytes(expected);
      Iterator<Map.Entry<String, byte[]>> actual = state.iterator();
      for (Iterator<Map.Entry<String, Object>> it = expected.entrySet().iterator();
          same && it.hasNext(); ) {
        Map.Entry<String, Object> entry = it.next();
        Map.Entry<String, byte[]> stored = actual.next();
        same =
            stored.getKey().equals(entry.getKey())
                && normalize(codec.decode(stored.getKey(), stored.getValue(), Object.class))
                    .equals(normalize(entry.getValue()));
      }
      if (!same) {
        assertThat(describe(state)).as("state after " + last).isEqualTo(describe(expected));
        assertThat(state.bytes()).as("bytes after " + last).isEqualTo(bytes(expected));
      }
    }

    private List<String> describe(KeyValueState state) {
      List<String> entries = new ArrayList<>();
      state
          .iterator()
          .forEachRemaining(
              e ->
                  entries.add(
                      e.getKey()
                          + "="
                          + normalize(codec.decode(e.getKey(), e.getValue(), Object.class))));
      return entries;
    }

    private static List<String> describe(TreeMap<String, Object> model) {
      List<String> entries = new ArrayList<>();
      model.forEach((k, v) -> entries.add(k + "=" + normalize(v)));
      return entries;
    }

    private static String normalize(Object value) {
      if (value == null) {
        return "absent";
      }
      if (value instanceof byte[] raw) {
        return "raw:" + HexFormat.of().formatHex(raw);
      }
      return "json:" + value;
    }

    private void count(Event event) {
      eventCounts.merge(event, 1, Integer::sum);
    }

    /** The generator must have exercised every operation and every interesting outcome. */
    void assertCoverage() {
      assertThat(operations).isGreaterThanOrEqualTo(OPERATIONS);
      for (Op op : Op.values()) {
        assertThat(opCounts.getOrDefault(op, 0)).as("operations of kind " + op).isPositive();
      }
      for (Event event : Event.values()) {
        assertThat(eventCounts.getOrDefault(event, 0)).as("outcomes " + event).isPositive();
      }
    }
  }
}
