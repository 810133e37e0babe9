package io.durableobjects.core.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeysTest {

  @Test
  void countsUtf8BytesWithoutEncoding() {
    for (String s :
        new String[] {
          "", "a", "é", "\u07FF", "\u0800", "\uFFFD", "\uD83D\uDE00", "a\uDBFF\uDFFFb"
        }) {
      assertThat(Keys.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void findsUnpairedSurrogates() {
    assertThat(Keys.unpairedSurrogate("plain")).isEqualTo(-1);
    assertThat(Keys.unpairedSurrogate("a\uD83D\uDE00b")).isEqualTo(-1);
    assertThat(Keys.unpairedSurrogate("ab\uD83D")).isEqualTo(2);
    assertThat(Keys.unpairedSurrogate("\uDE00\uD83D")).isEqualTo(0);
    assertThat(Keys.unpairedSurrogate("\uD83D\uD83D\uDE00")).isEqualTo(0);
  }

  @Test
  void thePrefixEndIsTheNextStringInCodePointOrder() {
    assertThat(Keys.prefixEnd("ab")).isEqualTo("ac");
    assertThat(Keys.prefixEnd("a\u007F")).isEqualTo("a\u0080");
    assertThat(Keys.prefixEnd("\uD7FF")).isEqualTo("\uE000"); // skips the surrogate range
    assertThat(Keys.prefixEnd("\uFFFF")).isEqualTo("\uD800\uDC00"); // U+10000
    assertThat(Keys.prefixEnd("\uD83D\uDE00")).isEqualTo("\uD83D\uDE01");
    assertThat(Keys.prefixEnd("\uD83D\uDFFF")).isEqualTo("\uD83E\uDC00"); // U+1F7FF -> U+1F800
    assertThat(Keys.prefixEnd("a\uDBFF\uDFFF")).isEqualTo("b"); // U+10FFFF carries
    assertThat(Keys.prefixEnd("\uDBFF\uDFFF\uDBFF\uDFFF")).isNull();
    assertThat(Keys.prefixEnd("")).isNull();
  }
}
