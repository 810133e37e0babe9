package io.durableobjects.core.spi;

/**
 * Text from clients, made safe for a log line. Object names and paths are percent-decoded from the
 * URL, so they may hold CR, LF or other control characters, which would let a client forge log
 * lines (or terminal escapes). For the runtime and the gateway alike.
 */
public final class LogText {
  private LogText() {}

  /**
   * {@code text} with every control character (C0, DEL, C1, and the Unicode line and paragraph
   * separators) written as an escape: {@code \r}, {@code \n}, {@code \t} or {@code \}{@code uXXXX};
   * a backslash becomes two, so that an escape is never ambiguous. Null stays null.
   */
  public static String escape(String text) {
    if (text == null || text.chars().noneMatch(LogText::needsEscape)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (needsEscape(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static boolean needsEscape(int c) {
    return c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
  }
}
