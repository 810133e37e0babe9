package io.durableobjects.examples;

import io.durableobjects.core.AlarmHandler;
import io.durableobjects.core.AlarmInfo;
import io.durableobjects.core.DurableObjectState;
import io.durableobjects.core.FetchHandler;
import io.durableobjects.core.ListOptions;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import io.durableobjects.core.Router;
import io.durableobjects.core.Storage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reminders (namespace {@code reminder}): each reminder is a named alarm of its own, so any number
 * (up to {@value #MAX_PENDING}) may be pending at once; when one is due, the alarm moves it from
 * pending to delivered.
 *
 * <pre>
 * POST /v1/reminder/by-name/{name}/schedule?in=5s   (the text as body)
 *      → 201 {"id": 1, "text": "…", "due": "2025-01-31T12:00:05Z"}
 * GET  /v1/reminder/by-name/{name}/
 *      → 200 {"pending": [{"id", "text", "due"}, ...],
 *             "delivered": [{"id", "text", "due", "firedAt"}, ...]}
 * </pre>
 *
 * <p>{@code in} is a whole number with a unit, {@code ms}, {@code s}, {@code m}, {@code h} or
 * {@code d} (for example {@code 500ms}, {@code 2m}, {@code 1d}), from 1 ms to 365 days. The text is
 * 1 to {@value #MAX_TEXT_BYTES} bytes. Both lists are in order of due time; the delivered list
 * keeps the last {@value #MAX_DELIVERED}.
 *
 * <p>Keys: {@code next-id}; {@code pending:<id>} holds a {@link Scheduled}; {@code
 * delivered:<due>:<id>} a {@link Delivered} (numbers zero-padded, so that key order is due order).
 * The alarm of reminder {@code n} is named {@code reminder-n}.
 */
public final class Reminder implements FetchHandler, AlarmHandler {
  private static final Logger log = LoggerFactory.getLogger(Reminder.class);

  /** The longest text, in bytes of UTF-8. */
  static final int MAX_TEXT_BYTES = 4 * 1024;

  /** The longest delay. */
  static final Duration MAX_DELAY = Duration.ofDays(365);

  /** The most reminders pending at once (each is an alarm; the runtime allows more). */
  static final int MAX_PENDING = 100;

  /** The most delivered reminders kept. */
  static final int MAX_DELIVERED = 100;

  private static final String NEXT_ID = "next-id";
  private static final String PENDING = "pending:";
  private static final String DELIVERED = "delivered:";
  private static final String ALARM_PREFIX = "reminder-";
  private static final Pattern DELAY = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)");

  /** A reminder waiting for its time. */
  public record Scheduled(long id, String text, Instant due) {}

  /** A reminder whose alarm ran at {@code firedAt}. */
  public record Delivered(long id, String text, Instant due, Instant firedAt) {}

  /** The answer to {@code GET /}. */
  public record Reminders(List<Scheduled> pending, List<Delivered> delivered) {}

  private final DurableObjectState state;
  private final Storage storage;
  private final Router<Response> router =
      Router.create().post("/schedule", this::schedule).get("/", request -> list());

  public Reminder(DurableObjectState state) {
    this.state = state;
    this.storage = state.storage();
  }

  @Override
  public Response fetch(Request request) throws Exception {
    return router.fetch(request);
  }

  @Override
  public void alarm(AlarmInfo alarm) {
    Optional<Long> id = idOf(alarm.name());
    if (id.isEmpty()) {
      log.warn("{} ignores the alarm '{}', which is not a reminder's", state.id(), alarm.name());
      return;
    }
    String key = pendingKey(id.get());
    Optional<Scheduled> reminder = storage.get(key, Scheduled.class);
    if (reminder.isEmpty()) {
      return; // delivered already: an alarm may come more than once
    }
    Scheduled due = reminder.get();
    storage.delete(key);
    storage.put(deliveredKey(due), new Delivered(due.id(), due.text(), due.due(), now()));
    Map<String, Delivered> delivered = delivered();
    if (delivered.size() > MAX_DELIVERED) {
      storage.delete(
          new ArrayList<>(delivered.keySet()).subList(0, delivered.size() - MAX_DELIVERED));
    }
  }

  private Response schedule(Request request) {
    Optional<Duration> delay = request.queryParam("in").flatMap(Reminder::parseDelay);
    if (delay.isEmpty()) {
      return Response.error(
          400,
          "bad_request",
          "the query parameter 'in' must be a delay from 1ms to 365d,"
              + " such as 500ms, 5s, 2m, 1h or 1d");
    }
    if (request.bodyLength() == 0) {
      return Response.error(400, "bad_request", "the body must be the reminder's text");
    }
    if (request.bodyLength() > MAX_TEXT_BYTES) {
      return Response.error(
          413,
          "payload_too_large",
          "a reminder's text is at most " + MAX_TEXT_BYTES + " bytes, got " + request.bodyLength());
    }
    if (pending().size() >= MAX_PENDING) {
      return Response.error(
          409,
          "too_many_reminders",
          "at most " + MAX_PENDING + " reminders may be pending at once");
    }
    long id = storage.get(NEXT_ID, Long.class).orElse(1L);
    Scheduled reminder = new Scheduled(id, request.bodyText(), now().plus(delay.get()));
    storage.put(NEXT_ID, id + 1);
    storage.put(pendingKey(id), reminder);
    storage.setAlarm(ALARM_PREFIX + id, reminder.due());
    return Response.json(reminder).withStatus(201);
  }

  private Response list() {
    List<Scheduled> pending = new ArrayList<>(pending().values());
    pending.sort(Comparator.comparing(Scheduled::due).thenComparingLong(Scheduled::id));
    return Response.json(new Reminders(pending, List.copyOf(delivered().values())));
  }

  private Map<String, Scheduled> pending() {
    return storage.list(ListOptions.create().withPrefix(PENDING), Scheduled.class);
  }

  private Map<String, Delivered> delivered() {
    return storage.list(ListOptions.create().withPrefix(DELIVERED), Delivered.class);
  }

  /**
   * A delay such as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or {@code 1d}; empty if the
   * text is not one, or it is not from 1 ms to {@link #MAX_DELAY}.
   */
  static Optional<Duration> parseDelay(String text) {
    Matcher m = DELAY.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    Duration delay =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    return delay.isZero() || delay.compareTo(MAX_DELAY) > 0 ? Optional.empty() : Optional.of(delay);
  }

  /** The reminder ID an alarm name carries, if it is a reminder's alarm. */
  static Optional<Long> idOf(String alarmName) {
    if (!alarmName.startsWith(ALARM_PREFIX)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(alarmName.substring(ALARM_PREFIX.length())));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String pendingKey(long id) {
    return PENDING + String.format("%016d", id);
  }

  static String deliveredKey(Scheduled reminder) {
    return DELIVERED + String.format("%016d:%016d", reminder.due().toEpochMilli(), reminder.id());
  }

  /** Alarms keep milliseconds: so do the times this object stores and answers. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }
}
