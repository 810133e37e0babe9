package io.durableobjects.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String PAGE =
      """
      # HELP jvm_memory_used_bytes The amount of used memory
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.0E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 5.0E7
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
      jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1.0
      jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 5.36870912E8
      durable_objects_objects_active{namespace="counter-memory"} 42.0
      """;

  @Test
  void sumAddsTheMatchingSamplesAndLeavesOutNegativeOnes() {
    assertEquals(6.0e7, PrometheusText.sum(PAGE, "jvm_memory_used_bytes", "area", "heap"));
    assertEquals(5.36870912e8, PrometheusText.sum(PAGE, "jvm_memory_max_bytes", "area", "heap"));
    assertEquals(0, PrometheusText.sum(PAGE, "jvm_memory_used_bytes", "area", "none"));
  }

  @Test
  void valueIsTheFirstMatchingSample() {
    assertEquals(
        42.0,
        PrometheusText.value(
            PAGE, "durable_objects_objects_active", "namespace", "counter-memory"));
  }
}
