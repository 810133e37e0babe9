package io.durableobjects.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** INTERNAL API: list operations shared by {@link Request} and {@link Response}. */
final class Headers {
  private Headers() {}

  static Optional<String> first(List<Header> headers, String name) {
    for (Header h : headers) {
      if (h.is(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  static List<Header> with(List<Header> headers, String name, String value) {
    Header added = new Header(name, value);
    List<Header> copy = new ArrayList<>(headers.size() + 1);
    for (Header h : headers) {
      if (!h.is(name)) {
        copy.add(h);
      }
    }
    copy.add(added);
    return List.copyOf(copy);
  }
}
