package io.durableobjects.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.AlarmHandler;
import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.time.Instant;
import java.util.Map;

/**
 * The object behind the alarm integration tests (namespace {@code alarm-probe}, added by the tests'
 * configuration): {@code POST /set?at=<epoch ms>} sets the alarm; {@code GET /} answers {@code
 * {"pending": <ms or null>, "scheduled": <ms or null>, "firedAt": <ms or null>, "deliveries": n}}.
 * The handler records when it ran, so a test can tell that an alarm fired before the test's own
 * request woke the object.
 */
public final class AlarmProbe implements FetchHandler, AlarmHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final DurableObjectState state;

  public AlarmProbe(DurableObjectState state) {
    this.state = state;
  }

  @Override
  public Response fetch(Request request) {
    if (request.path().equals("/set") && request.method().equals("POST")) {
      long at = Long.parseLong(request.queryParam("at").orElseThrow());
      state.storage().setAlarm(Instant.ofEpochMilli(at));
      return Response.status(204);
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("pending", state.storage().getAlarm().map(Instant::toEpochMilli).orElse(null));
    Map<String, Long> fired =
        state.storage().get(java.util.List.of("scheduled", "firedAt", "deliveries"), Long.class);
    body.put("scheduled", fired.get("scheduled"));
    body.put("firedAt", fired.get("firedAt"));
    body.put("deliveries", fired.getOrDefault("deliveries", 0L));
    return Response.json(body.toString());
  }

  @Override
  public void alarm(AlarmInfo alarm) {
    state.storage().put("scheduled", alarm.scheduledTime().toEpochMilli());
    state.storage().put("firedAt", System.currentTimeMillis());
    state.storage().put("deliveries", state.storage().get("deliveries", Long.class).orElse(0L) + 1);
  }
}
