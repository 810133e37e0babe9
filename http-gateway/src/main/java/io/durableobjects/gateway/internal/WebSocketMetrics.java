package io.durableobjects.gateway.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * INTERNAL API: the WebSocket connections of this gateway node. Prometheus names: {@code
 * durable_objects_websockets_open}, {@code durable_objects_websockets_messages_received_total}
 * (from clients), {@code durable_objects_websockets_messages_sent_total} (to clients), {@code
 * durable_objects_websockets_dropped_total} by reason ({@code slow_client}, {@code
 * undelivered_message}).
 */
public final class WebSocketMetrics {
  private final AtomicInteger open = new AtomicInteger();
  private final Counter received;
  private final Counter sent;
  private final Counter slowClients;
  private final Counter undelivered;

  public WebSocketMetrics(MeterRegistry registry) {
    Gauge.builder("durable_objects.websockets.open", open, AtomicInteger::get)
        .description("WebSocket connections open at this node")
        .register(registry);
    received =
        Counter.builder("durable_objects.websockets.messages.received")
            .description("Messages received from WebSocket clients")
            .register(registry);
    sent =
        Counter.builder("durable_objects.websockets.messages.sent")
            .description("Messages queued to WebSocket clients")
            .register(registry);
    slowClients =
        Counter.builder("durable_objects.websockets.dropped")
            .description("WebSocket clients disconnected by the gateway")
            .tag("reason", "slow_client")
            .register(registry);
    undelivered =
        Counter.builder("durable_objects.websockets.dropped")
            .description("WebSocket clients disconnected by the gateway")
            .tag("reason", "undelivered_message")
            .register(registry);
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void received() {
    received.increment();
  }

  void sent() {
    sent.increment();
  }

  void droppedSlowClient() {
    slowClients.increment();
  }

  void undelivered() {
    undelivered.increment();
  }
}
