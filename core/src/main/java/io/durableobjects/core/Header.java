package io.durableobjects.core;

import java.util.Objects;

/**
 * One HTTP header of a {@link Request} or {@link Response}: a name (compared case-insensitively)
 * and a value.
 *
 * @param name a header field name: one or more token characters (RFC 9110)
 * @param value the value, without CR or LF
 */
public record Header(String name, String value) {

  public Header {
    Objects.requireNonNull(name, "header name");
    Objects.requireNonNull(value, "header value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name must not be empty");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw new IllegalArgumentException(
            "header name '" + name + "' contains an invalid character at index " + i);
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            "value of header '" + name + "' contains CR, LF or NUL at index " + i);
      }
    }
  }

  /** Whether this header has the given name, ignoring case. */
  public boolean is(String otherName) {
    return name.equalsIgnoreCase(otherName);
  }

  private static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
