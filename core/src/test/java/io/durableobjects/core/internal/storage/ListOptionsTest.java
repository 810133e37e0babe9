package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** {@link ListOptions} as a value, and the semantics of {@code list} for every combination. */
class ListOptionsTest {
  private static final ValueCodec CODEC = new ValueCodec(new ObjectMapper());
  private static final Comparator<String> BY_UTF8_BYTES =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private static final String SMILE = "\uD83D\uDE00"; // U+1F600, 4 bytes in UTF-8
  private static final String REPLACEMENT = "\uFFFD"; // U+FFFD, 3 bytes, sorts before U+1F600
  private static final String PRIVATE = "\uE000"; // U+E000: after U+D7FF, before U+FFFD

  /** Keys whose UTF-8 order differs from String.compareTo order. */
  private static final List<String> KEYS =
      List.of(
          "a",
          "ab",
          "abc",
          "abd",
          "ac",
          "b",
          "ba",
          "user:1",
          "user:10",
          "user:2",
          "users",
          "é",
          "éa",
          "\u07FF",
          "\uD7FF",
          "\uD7FFx",
          PRIVATE,
          REPLACEMENT,
          REPLACEMENT + "a",
          SMILE,
          SMILE + "a",
          SMILE + SMILE,
          "\uDBFF\uDFFF",
          "\uDBFF\uDFFFz");

  private final TransactionalStorage storage = storageWith(KEYS);

  private static TransactionalStorage storageWith(List<String> keys) {
    KeyValueState state = KeyValueState.empty();
    List<String> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new java.util.Random(1));
    for (String key : shuffled) {
      state = state.put(key, CODEC.encode(key, key));
    }
    return Transactions.over(state, CODEC);
  }

  private List<String> list(ListOptions options) {
    Map<String, String> result = storage.list(options, String.class);
    result.forEach((k, v) -> assertThat(v).isEqualTo(k));
    return new ArrayList<>(result.keySet());
  }

  // ---- the value ---------------------------------------------------------------------------

  @Test
  void isAnImmutableValue() {
    ListOptions base = ListOptions.create();
    ListOptions built =
        base.withStart("a").withEnd("z").withPrefix("p").withReverse(true).withLimit(3);
    assertThat(base).isEqualTo(ListOptions.all());
    assertThat(base.start()).isEmpty();
    assertThat(base.limit()).isEqualTo(OptionalInt.empty());
    assertThat(base.reverse()).isFalse();
    assertThat(built.start()).contains("a");
    assertThat(built.startAfter()).isEmpty();
    assertThat(built.end()).contains("z");
    assertThat(built.prefix()).contains("p");
    assertThat(built.reverse()).isTrue();
    assertThat(built.limit()).isEqualTo(OptionalInt.of(3));
    assertThat(built)
        .isEqualTo(
            ListOptions.all()
                .withLimit(3)
                .withReverse(true)
                .withPrefix("p")
                .withEnd("z")
                .withStart("a"))
        .hasSameHashCodeAs(
            ListOptions.all()
                .withLimit(3)
                .withReverse(true)
                .withPrefix("p")
                .withEnd("z")
                .withStart("a"));
    assertThat(built).isNotEqualTo(built.withLimit(4));
    assertThat(built.toString())
        .isEqualTo("ListOptions(start=\"a\", end=\"z\", prefix=\"p\", reverse, limit=3)");
    assertThat(ListOptions.all().toString()).isEqualTo("ListOptions()");
    assertThat(built.withStart(null).start()).isEmpty();
  }

  @Test
  void startAndStartAfterAreMutuallyExclusive() {
    assertThatThrownBy(() -> ListOptions.create().withStart("a").withStartAfter("b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "ListOptions: cannot set startAfter when start is already set; they are mutually"
                + " exclusive");
    assertThatThrownBy(() -> ListOptions.create().withStartAfter("a").withStart("b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "ListOptions: cannot set start when startAfter is already set; they are mutually"
                + " exclusive");
    // Removing one first makes room for the other.
    assertThat(ListOptions.create().withStart("a").withStart(null).withStartAfter("b").startAfter())
        .contains("b");
  }

  @Test
  void refusesALimitBelowOneAndBoundsWithUnpairedSurrogates() {
    assertThatThrownBy(() -> ListOptions.create().withLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ListOptions: limit must be at least 1, got 0");
    assertThatThrownBy(() -> ListOptions.create().withLimit(-5))
        .hasMessage("ListOptions: limit must be at least 1, got -5");
    assertThatThrownBy(() -> ListOptions.create().withPrefix("a\uD83D"))
        .hasMessage("ListOptions: prefix has an unpaired surrogate at index 1");
    assertThatThrownBy(() -> ListOptions.create().withStart("\uDE00"))
        .hasMessage("ListOptions: start has an unpaired surrogate at index 0");
    assertThatThrownBy(() -> ListOptions.create().withStartAfter("\uDE00"))
        .hasMessage("ListOptions: startAfter has an unpaired surrogate at index 0");
    assertThatThrownBy(() -> ListOptions.create().withEnd("x\uD800y"))
        .hasMessage("ListOptions: end has an unpaired surrogate at index 1");
  }

  // ---- list: examples ----------------------------------------------------------------------

  @Test
  void listsEverythingInUtf8OrderNotUtf16Order() {
    assertThat(list(ListOptions.all()))
        .containsExactly(
            "a",
            "ab",
            "abc",
            "abd",
            "ac",
            "b",
            "ba",
            "user:1",
            "user:10",
            "user:2",
            "users",
            "é",
            "éa",
            "\u07FF",
            "\uD7FF",
            "\uD7FFx",
            PRIVATE,
            REPLACEMENT,
            REPLACEMENT + "a",
            SMILE,
            SMILE + "a",
            SMILE + SMILE,
            "\uDBFF\uDFFF",
            "\uDBFF\uDFFFz");
    assertThat(storage.list(String.class).keySet())
        .containsExactlyElementsOf(list(ListOptions.all()));
  }

  @Test
  void startIsInclusiveStartAfterExclusiveAndEndExclusive() {
    assertThat(list(ListOptions.create().withStart("ab").withEnd("b")))
        .containsExactly("ab", "abc", "abd", "ac");
    assertThat(list(ListOptions.create().withStartAfter("ab").withEnd("ba")))
        .containsExactly("abc", "abd", "ac", "b");
    // Bounds need not be stored keys.
    assertThat(list(ListOptions.create().withStart("aa").withEnd("abz")))
        .containsExactly("ab", "abc", "abd");
    assertThat(list(ListOptions.create().withStartAfter("abcc").withEnd("ad")))
        .containsExactly("abd", "ac");
    assertThat(list(ListOptions.create().withStart(REPLACEMENT).withEnd(SMILE + "a")))
        .containsExactly(REPLACEMENT, REPLACEMENT + "a", SMILE);
  }

  @Test
  void prefixSelectsKeysStartingWithIt() {
    assertThat(list(ListOptions.create().withPrefix("ab"))).containsExactly("ab", "abc", "abd");
    assertThat(list(ListOptions.create().withPrefix("user:")))
        .containsExactly("user:1", "user:10", "user:2");
    assertThat(list(ListOptions.create().withPrefix("user:1")))
        .containsExactly("user:1", "user:10");
    assertThat(list(ListOptions.create().withPrefix(SMILE)))
        .containsExactly(SMILE, SMILE + "a", SMILE + SMILE);
    // The last code point of the prefix cannot be incremented: the range has no upper bound.
    assertThat(list(ListOptions.create().withPrefix("\uDBFF\uDFFF")))
        .containsExactly("\uDBFF\uDFFF", "\uDBFF\uDFFFz");
    // U+D7FF's successor is U+E000, not a surrogate.
    assertThat(list(ListOptions.create().withPrefix("\uD7FF")))
        .containsExactly("\uD7FF", "\uD7FFx");
    assertThat(list(ListOptions.create().withPrefix(""))).hasSize(KEYS.size());
    assertThat(list(ListOptions.create().withPrefix("nothing"))).isEmpty();
  }

  @Test
  void reverseListsTheHighestKeysFirstAndLimitKeepsThem() {
    assertThat(list(ListOptions.create().withReverse(true).withLimit(3)))
        .containsExactly("\uDBFF\uDFFFz", "\uDBFF\uDFFF", SMILE + SMILE);
    assertThat(list(ListOptions.create().withPrefix("ab").withReverse(true)))
        .containsExactly("abd", "abc", "ab");
    assertThat(list(ListOptions.create().withPrefix("user:").withReverse(true).withLimit(2)))
        .containsExactly("user:2", "user:10");
    assertThat(list(ListOptions.create().withStartAfter("a").withEnd("ac").withReverse(true)))
        .containsExactly("abd", "abc", "ab");
    assertThat(list(ListOptions.create().withLimit(2))).containsExactly("a", "ab");
  }

  @Test
  void emptyRangesListNothing() {
    assertThat(list(ListOptions.create().withStart("b").withEnd("b"))).isEmpty();
    assertThat(list(ListOptions.create().withStart("c").withEnd("b"))).isEmpty();
    assertThat(list(ListOptions.create().withStart("c").withEnd("b").withReverse(true))).isEmpty();
    assertThat(list(ListOptions.create().withStartAfter("abd").withEnd("ac"))).isEmpty();
    assertThat(list(ListOptions.create().withPrefix("ab").withStart("b"))).isEmpty();
    assertThat(list(ListOptions.create().withPrefix("ab").withEnd("ab"))).isEmpty();
    assertThat(list(ListOptions.create().withEnd(""))).isEmpty();
    assertThat(storageWith(List.of()).list(ListOptions.all().withReverse(true), String.class))
        .isEmpty();
  }

  @Test
  void theResultIsUnmodifiableAndChecksItsArguments() {
    Map<String, String> result = storage.list(ListOptions.all().withLimit(1), String.class);
    assertThatThrownBy(() -> result.put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> storage.list(null, String.class))
        .isInstanceOf(StorageException.class)
        .hasMessage("list options must not be null; use ListOptions.all()");
    assertThatThrownBy(() -> storage.list(ListOptions.all(), (Class<Object>) null))
        .hasMessage("the type to list values as must not be null");
    assertThatThrownBy(() -> storage.list(ListOptions.all(), Integer.class))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot read key 'a' as java.lang.Integer");
  }

  // ---- list: every combination against a brute-force reference ----------------------------

  @Test
  void everyCombinationOfOptionsAgreesWithABruteForceFilter() {
    List<String> bounds = new ArrayList<>();
    bounds.add(null);
    bounds.addAll(
        List.of(
            "",
            "a",
            "ab",
            "abc",
            "b",
            "user:1",
            "é",
            "\uD7FF",
            PRIVATE,
            REPLACEMENT,
            SMILE,
            SMILE + SMILE,
            "\uDBFF\uDFFF",
            "zz",
            "\uDBFF\uDFFF\uDBFF\uDFFF"));
    List<String> prefixes = new ArrayList<>();
    prefixes.add(null);
    prefixes.addAll(
        List.of(
            "",
            "a",
            "ab",
            "user:",
            "user:1",
            "é",
            "\uD7FF",
            REPLACEMENT,
            SMILE,
            "\uDBFF\uDFFF",
            "q"));
    int[] limits = {0, 1, 2, 5, 100};
    List<String> sorted = new ArrayList<>(KEYS);
    sorted.sort(BY_UTF8_BYTES);
    int checked = 0;
    for (String lower : bounds) {
      for (boolean exclusive : new boolean[] {false, true}) {
        if (lower == null && exclusive) {
          continue;
        }
        for (String end : bounds) {
          for (String prefix : prefixes) {
            for (boolean reverse : new boolean[] {false, true}) {
              for (int limit : limits) {
                ListOptions options = ListOptions.create();
                options = exclusive ? options.withStartAfter(lower) : options.withStart(lower);
                options = options.withEnd(end).withPrefix(prefix).withReverse(reverse);
                if (limit > 0) {
                  options = options.withLimit(limit);
                }
                List<String> expected = new ArrayList<>();
                for (String key : sorted) {
                  boolean matches =
                      (lower == null
                              || (exclusive
                                  ? BY_UTF8_BYTES.compare(key, lower) > 0
                                  : BY_UTF8_BYTES.compare(key, lower) >= 0))
                          && (end == null || BY_UTF8_BYTES.compare(key, end) < 0)
                          && (prefix == null || key.startsWith(prefix));
                  if (matches) {
                    expected.add(key);
                  }
                }
                if (reverse) {
                  Collections.reverse(expected);
                }
                if (limit > 0 && expected.size() > limit) {
                  expected = expected.subList(0, limit);
                }
                assertThat(list(options)).as("%s", options).containsExactlyElementsOf(expected);
                checked++;
              }
            }
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(50_000);
  }
}
