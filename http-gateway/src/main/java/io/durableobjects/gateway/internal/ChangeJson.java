package io.durableobjects.gateway.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.ObjectChange;
import io.durableobjects.core.admin.StoredEntry;

/**
 * INTERNAL API: one committed transaction as JSON, the same in the change feed's events and in the
 * admin history: {@code {"seq", "time", "deleteAll", "put": [{"key", "value" | "base64"}],
 * "deleted": [keys], "alarms": [{"name", "scheduledTime"} | {"name", "deleted": true}]}}.
 */
public final class ChangeJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ChangeJson() {}

  public static ObjectNode of(ObjectChange change) {
    ObjectNode node = JSON.createObjectNode();
    node.put("seq", change.sequenceNr());
    node.put("time", change.time().toString());
    node.put("deleteAll", change.deleteAll());
    ArrayNode put = node.putArray("put");
    for (StoredEntry entry : change.put()) {
      entry(put.addObject(), entry);
    }
    ArrayNode deleted = node.putArray("deleted");
    change.deleted().forEach(deleted::add);
    ArrayNode alarms = node.putArray("alarms");
    for (ObjectChange.AlarmChange alarm : change.alarms()) {
      ObjectNode a = alarms.addObject().put("name", alarm.name());
      if (alarm.scheduledTime().isPresent()) {
        a.put("scheduledTime", alarm.scheduledTime().get().toString());
      } else {
        a.put("deleted", true);
      }
    }
    return node;
  }

  /** A stored entry: {@code key} with its JSON {@code value}, or {@code base64} for bytes. */
  public static ObjectNode entry(ObjectNode into, StoredEntry entry) {
    into.put("key", entry.key());
    AdminJson.value(into, entry);
    return into;
  }
}
