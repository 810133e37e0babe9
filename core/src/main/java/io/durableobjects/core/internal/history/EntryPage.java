package io.durableobjects.core.internal.history;

import io.durableobjects.core.internal.storage.KeyValueState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * INTERNAL API: one page of an object's entries for an operator, live or past.
 *
 * @param keys the page's keys, in key order
 * @param values their encoded values
 * @param nextCursor the last key of the page if more follow, else null
 */
public record EntryPage(List<String> keys, List<byte[]> values, String nextCursor) {

  /**
   * The entries of {@code data} after {@code afterKey} (null: from the first): at most {@code
   * limit}, and ending once they take {@code maxBytes} (at least one entry, whatever its size), so
   * that the page fits one remoting frame when it crosses nodes.
   */
  public static EntryPage of(KeyValueState data, String afterKey, int limit, long maxBytes) {
    List<String> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    Iterator<Map.Entry<String, byte[]>> it = data.scan(afterKey, false, null, false);
    long pageBytes = 0;
    while (it.hasNext() && keys.size() < limit && pageBytes < maxBytes) {
      Map.Entry<String, byte[]> entry = it.next();
      keys.add(entry.getKey());
      values.add(entry.getValue());
      pageBytes += entry.getKey().length() * 3L + entry.getValue().length;
    }
    return new EntryPage(keys, values, it.hasNext() ? keys.get(keys.size() - 1) : null);
  }
}
