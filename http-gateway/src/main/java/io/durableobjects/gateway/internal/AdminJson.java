package io.durableobjects.gateway.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.admin.ActiveObjects;
import io.durableobjects.core.admin.ObjectInspection;
import io.durableobjects.core.admin.OpenSocket;
import io.durableobjects.core.admin.PendingAlarm;
import io.durableobjects.core.admin.StoredEntry;
import io.durableobjects.core.spi.CatalogEntry;
import io.durableobjects.core.spi.CatalogPage;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * INTERNAL API: the admin API's JSON bodies (see openapi.yaml): a page of the catalog, an object's
 * inspection, a namespace's counts. Stored values appear as JSON when they were stored as JSON
 * ({@code "value"}) and as base64 when they were stored as bytes ({@code "base64"}).
 */
public final class AdminJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminJson() {}

  /** A new JSON object. */
  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@code body} as a 200 {@code application/json} response. */
  public static HttpResponse response(ObjectNode body) {
    return HttpResponse.create()
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
  }

  /** {@code {"objects":[{"id","name","hasData"}],"nextCursor"}}. */
  public static ObjectNode page(CatalogPage page) {
    ObjectNode body = object();
    ArrayNode objects = body.putArray("objects");
    for (CatalogEntry entry : page.entries()) {
      ObjectNode o = objects.addObject();
      o.put("id", entry.id());
      o.put("name", entry.name().orElse(null));
      o.put("hasData", entry.hasData());
    }
    body.put("nextCursor", page.nextCursor().orElse(null));
    return body;
  }

  /** An object's inspection: metadata, alarms, sockets and one page of entries. */
  public static ObjectNode inspection(ObjectInspection inspection) {
    ObjectNode body = object();
    body.put("id", inspection.id());
    body.put("namespace", inspection.namespace());
    body.put("name", inspection.name().orElse(null));
    body.put("keyCount", inspection.keyCount());
    body.put("bytes", inspection.bytes());
    ArrayNode alarms = body.putArray("alarms");
    for (PendingAlarm alarm : inspection.alarms()) {
      ObjectNode a = alarms.addObject();
      a.put("name", alarm.name());
      a.put("scheduledTime", alarm.scheduledTime().toString());
      a.put("retryCount", alarm.retryCount());
      a.put("nextAttempt", alarm.nextAttempt().toString());
    }
    ArrayNode sockets = body.putArray("sockets");
    for (OpenSocket socket : inspection.sockets()) {
      ObjectNode s = sockets.addObject();
      s.put("id", socket.id());
      socket.tags().forEach(s.putArray("tags")::add);
      if (socket.attachment().isPresent()) {
        value(s.putObject("attachment"), socket.attachment().get());
      } else {
        s.putNull("attachment");
      }
    }
    body.put("lastSequenceNr", inspection.lastSequenceNr());
    body.put("lastWriteTime", inspection.lastWriteTime().map(Object::toString).orElse(null));
    body.put(
        "lastActivationTime", inspection.lastActivationTime().map(Object::toString).orElse(null));
    ArrayNode entries = body.putArray("entries");
    for (StoredEntry entry : inspection.entries()) {
      ObjectNode e = entries.addObject();
      e.put("key", entry.key());
      value(e, entry);
    }
    body.put("nextCursor", inspection.nextCursor().orElse(null));
    return body;
  }

  /** {@code "value"} (JSON) or {@code "base64"} (bytes) of a stored entry, into {@code node}. */
  static void value(ObjectNode node, StoredEntry entry) {
    if (entry.json().isPresent()) {
      try {
        node.set("value", JSON.readTree(entry.json().get()));
      } catch (IOException unreadable) {
        node.put("value", entry.json().get());
      }
    } else {
      node.put("base64", Base64.getEncoder().encodeToString(entry.bytes().orElseThrow()));
    }
  }

  /**
   * A namespace's counts: objects active (by node, from sharding), and objects stored, counted in
   * the catalog up to a bound ({@code storedObjectsExact} false: at least that many).
   */
  public static ObjectNode stats(
      String namespace,
      String objectClass,
      ActiveObjects active,
      long stored,
      boolean storedExact,
      int scanned) {
    ObjectNode body = object();
    body.put("namespace", namespace);
    body.put("class", objectClass);
    body.put("activeObjects", active.total());
    ObjectNode byNode = body.putObject("activeByNode");
    for (Map.Entry<String, Integer> node : active.sortedByNode().entrySet()) {
      byNode.put(node.getKey(), node.getValue());
    }
    body.put("unansweredShards", active.unansweredShards());
    body.put("storedObjects", stored);
    body.put("storedObjectsExact", storedExact);
    body.put("catalogEntriesScanned", scanned);
    return body;
  }
}
