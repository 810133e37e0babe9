package io.durableobjects.gateway.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durableobjects.core.DurableObjectException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * INTERNAL API: the gateway's one error shape, {@code {"error": code, "message": text}}, with the
 * matching status ({@code Retry-After: 1} on 429 and 503). Never a stack trace.
 */
public final class ErrorResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Seconds a client should wait before retrying a 429 or 503. */
  public static final String RETRY_AFTER_SECONDS = "1";

  private ErrorResponses() {}

  public static HttpResponse of(DurableObjectException e) {
    return of(e.status(), e.code(), e.getMessage());
  }

  public static HttpResponse of(int status, String code, String message) {
    List<HttpHeader> headers = new ArrayList<>();
    if (status == 503 || status == 429) {
      headers.add(RawHeader.create("Retry-After", RETRY_AFTER_SECONDS));
    }
    return HttpResponse.create()
        .withStatus(HttpTranslation.statusCode(status))
        .withHeaders(headers)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body(code, message)));
  }

  /** The JSON of an error: {@code {"error": code, "message": message}}. */
  public static String body(String code, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", code);
    body.put("message", message == null ? "" : message);
    return body.toString();
  }

  /** {@code text}, cut to 200 characters, for echoing client input in a message. */
  public static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
