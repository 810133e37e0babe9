package io.durableobjects.core.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durableobjects.core.DurableObjects;
import io.durableobjects.core.internal.storage.ValueCodec;
import io.durableobjects.core.spi.AlarmIndex;
import io.durableobjects.core.spi.ObjectCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * INTERNAL API: what the namespaces of a node share, built once when the node's runtime starts.
 *
 * @param codec how stored values are encoded
 * @param mapper the JSON mapper of RPC arguments and results
 * @param env the node's runtime, as objects see it through {@code state.env()} (a supplier: the
 *     runtime is still being built when its namespaces start)
 * @param catalog where objects that hold data are listed
 * @param alarmIndex the durable index of pending alarms
 * @param registry where the objects' meters are registered
 * @param caller the way calls reach objects
 */
public record NodeServices(
    ValueCodec codec,
    ObjectMapper mapper,
    Supplier<DurableObjects> env,
    ObjectCatalog catalog,
    AlarmIndex alarmIndex,
    MeterRegistry registry,
    ObjectCaller caller) {}
