package io.durableobjects.loadtest.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's scenarios, in the order they run, with their number of clients. {@code hot} and
 * {@code spread} always run (the checks and the million/spread ratio need them); {@code cold10k}
 * runs only when named, since it runs before the warm-up and takes half a minute.
 */
enum Scenario {
  COLD_10K("cold10k", "cold 10k", 256),
  ALIVE("alive", 64),
  READ("read", 64),
  HOT("hot", 64),
  SPREAD("spread", 256),
  COLD("cold", 256),
  MILLION("million", 256),
  FEED("feed", 64),
  ACTIVATION("activation", 1),
  MEMORY("memory", 256);

  final String id;
  final String label;
  final int clients;

  Scenario(String id, int clients) {
    this(id, id, clients);
  }

  Scenario(String id, String label, int clients) {
    this.id = id;
    this.label = label;
    this.clients = clients;
  }

  /**
   * The scenarios {@code list} selects (comma-separated ids; blank: all but {@code cold10k}; {@code
   * none}: only the ones that always run), in running order.
   *
   * @throws IllegalArgumentException for an unknown id
   */
  static List<Scenario> selected(String list) {
    String blank = list == null ? "" : list.strip();
    List<String> ids = new ArrayList<>();
    for (String id : blank.split("\\s*,\\s*")) {
      if (id.isEmpty() || id.equals("none")) {
        continue;
      }
      if (Arrays.stream(values()).noneMatch(s -> s.id.equals(id))) {
        throw new IllegalArgumentException(
            "unknown scenario '"
                + id
                + "' in BENCH_SCENARIOS; known: "
                + Arrays.stream(values()).map(s -> s.id).toList()
                + " and none");
      }
      ids.add(id.toLowerCase(Locale.ROOT));
    }
    List<Scenario> selected = new ArrayList<>();
    for (Scenario s : values()) {
      boolean always = s == HOT || s == SPREAD;
      boolean byDefault = blank.isEmpty() && s != COLD_10K;
      if (always || byDefault || ids.contains(s.id)) {
        selected.add(s);
      }
    }
    return selected;
  }
}
