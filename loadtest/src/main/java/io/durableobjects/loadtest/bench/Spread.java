package io.durableobjects.loadtest.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The median, min and max of repeated measurements of one figure: what pairs mode reports, since on
 * a shared machine a single run says little.
 */
record Spread(double median, double min, double max, int runs) {
  static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
  }

  /** {@code b}'s median over {@code a}'s, or NaN when {@code a}'s is 0. */
  static double ratio(Spread a, Spread b) {
    return a.median == 0 ? Double.NaN : b.median / a.median;
  }
}
