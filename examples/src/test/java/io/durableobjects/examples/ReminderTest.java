package io.durableobjects.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.durableobjects.core.Request;
import io.durableobjects.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReminderTest {
  private static ExampleNode node;

  @BeforeAll
  static void start() {
    node = new ExampleNode("ReminderTest");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static Response schedule(String name, String in, String text) throws Exception {
    Request request = Request.of("POST", "/schedule").withBody(text);
    return node.call("reminder", name, in == null ? request : request.withQuery("in=" + in));
  }

  private static JsonNode reminders(String name) throws Exception {
    Response response = node.call("reminder", name, Request.of("GET", "/"));
    assertThat(response.status()).isEqualTo(200);
    return JsonResponses.JSON.readTree(response.bodyText());
  }

  private static List<String> texts(JsonNode list) {
    List<String> texts = new ArrayList<>();
    list.forEach(entry -> texts.add(entry.get("text").textValue()));
    return texts;
  }

  // ---- the pure parts ---------------------------------------------------------------------------

  @Test
  void delaysHaveAUnitAndAreFromOneMillisecondToAYear() {
    assertThat(Reminder.parseDelay("500ms")).contains(Duration.ofMillis(500));
    assertThat(Reminder.parseDelay("5s")).contains(Duration.ofSeconds(5));
    assertThat(Reminder.parseDelay("2m")).contains(Duration.ofMinutes(2));
    assertThat(Reminder.parseDelay("1h")).contains(Duration.ofHours(1));
    assertThat(Reminder.parseDelay("1d")).contains(Duration.ofDays(1));
    assertThat(Reminder.parseDelay("1ms")).contains(Duration.ofMillis(1));
    assertThat(Reminder.parseDelay("365d")).contains(Duration.ofDays(365));
    assertThat(Reminder.parseDelay("8760h")).contains(Duration.ofDays(365));
    for (String bad :
        new String[] {
          "",
          "0s",
          "0ms",
          "366d",
          "8761h",
          "31536000001ms",
          "-1s",
          "+1s",
          "5",
          "s",
          "5 s",
          "5S",
          "1.5s",
          "5sec",
          "1w",
          "999999999999d",
          "9999999999999d"
        }) {
      assertThat(Reminder.parseDelay(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void alarmNamesCarryTheReminderId() {
    assertThat(Reminder.idOf("reminder-42")).contains(42L);
    assertThat(Reminder.idOf("default")).isEmpty();
    assertThat(Reminder.idOf("reminder-x")).isEmpty();
    assertThat(Reminder.idOf("reminder-")).isEmpty();
  }

  @Test
  void deliveredKeysSortByDueTimeThenId() {
    Instant t = Instant.parse("2025-01-31T12:00:00Z");
    String early = Reminder.deliveredKey(new Reminder.Scheduled(9, "a", t));
    String sameTime = Reminder.deliveredKey(new Reminder.Scheduled(10, "b", t));
    String late = Reminder.deliveredKey(new Reminder.Scheduled(2, "c", t.plusMillis(1)));
    assertThat(List.of(late, sameTime, early)).isSortedAccordingTo((a, b) -> b.compareTo(a));
    assertThat(Reminder.pendingKey(7)).isEqualTo("pending:0000000000000007");
  }

  @Test
  void answersAreJsonWithIsoInstants() {
    Instant due = Instant.parse("2025-01-31T12:00:00.500Z");
    assertThat(JsonResponses.json(new Reminder.Scheduled(1, "tea", due)).bodyText())
        .isEqualTo("{\"id\":1,\"text\":\"tea\",\"due\":\"2025-01-31T12:00:00.500Z\"}");
    assertThat(
            JsonResponses.json(
                    new Reminder.Reminders(
                        List.of(),
                        List.of(new Reminder.Delivered(1, "tea", due, due.plusMillis(3)))))
                .bodyText())
        .isEqualTo(
            "{\"pending\":[],\"delivered\":[{\"id\":1,\"text\":\"tea\","
                + "\"due\":\"2025-01-31T12:00:00.500Z\","
                + "\"firedAt\":\"2025-01-31T12:00:00.503Z\"}]}");
  }

  // ---- the object -------------------------------------------------------------------------------

  @Test
  void scheduledRemindersArePendingInDueOrder() throws Exception {
    Instant before = Instant.now();
    Response later = schedule("desk", "2h", "stand up");
    assertThat(later.status()).isEqualTo(201);
    JsonNode laterBody = JsonResponses.JSON.readTree(later.bodyText());
    assertThat(laterBody.get("id").longValue()).isEqualTo(1);
    assertThat(laterBody.get("text").textValue()).isEqualTo("stand up");
    Duration twoHours = Duration.ofHours(2);
    assertThat(Instant.parse(laterBody.get("due").textValue()))
        .isBetween(before.plus(twoHours).minusMillis(1), Instant.now().plus(twoHours));
    Response sooner = schedule("desk", "1h", "drink water");
    assertThat(JsonResponses.JSON.readTree(sooner.bodyText()).get("id").longValue()).isEqualTo(2);

    JsonNode all = reminders("desk");
    assertThat(texts(all.get("pending"))).containsExactly("drink water", "stand up");
    assertThat(all.get("pending").get(1)).isEqualTo(laterBody);
    assertThat(all.get("delivered")).isEmpty();
    assertThat(node.alarmNames("reminder", "desk")).containsExactly("reminder-1", "reminder-2");
    assertThat(reminders("other-desk").toString()).isEqualTo("{\"pending\":[],\"delivered\":[]}");
  }

  @Test
  void badRequestsAreRefusedAndScheduleNothing() throws Exception {
    for (String in : new String[] {"0s", "-5s", "366d", "5", "soon", "1.5s"}) {
      Response response = schedule("strict", in, "text");
      assertThat(response.status()).as(in).isEqualTo(400);
      assertThat(response.bodyText()).as(in).contains("\"error\":\"bad_request\"").contains("'in'");
    }
    assertThat(schedule("strict", null, "text").status()).isEqualTo(400);
    Response empty = schedule("strict", "5s", "");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.bodyText()).contains("the body must be the reminder's text");
    Response large = schedule("strict", "5s", "x".repeat(Reminder.MAX_TEXT_BYTES + 1));
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.bodyText()).contains("\"error\":\"payload_too_large\"");
    // 4 KiB of UTF-8, in fewer characters.
    assertThat(schedule("strict", "1h", "é".repeat(Reminder.MAX_TEXT_BYTES / 2)).status())
        .isEqualTo(201);
    assertThat(schedule("strict", "1h", "é".repeat(Reminder.MAX_TEXT_BYTES / 2 + 1)).status())
        .isEqualTo(413);

    Response get = node.call("reminder", "strict", Request.of("GET", "/schedule"));
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.header("Allow")).contains("POST");
    assertThat(node.call("reminder", "strict", Request.of("DELETE", "/")).status()).isEqualTo(405);
    assertThat(node.call("reminder", "strict", Request.of("GET", "/nope")).status()).isEqualTo(404);
    assertThat(reminders("strict").get("pending")).hasSize(1);
  }

  @Test
  void atMostAHundredArePendingAtOnce() throws Exception {
    for (int i = 0; i < Reminder.MAX_PENDING; i++) {
      assertThat(schedule("busy", "1d", "r" + i).status()).isEqualTo(201);
    }
    Response refused = schedule("busy", "1d", "one more");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.bodyText()).contains("\"error\":\"too_many_reminders\"");
    assertThat(reminders("busy").get("pending")).hasSize(Reminder.MAX_PENDING);
  }

  // ---- needs the runtime to deliver alarms ------------------------------------------------------

  @Test
  void dueRemindersAreDeliveredInDueOrder() throws Exception {
    schedule("kitchen", "1500ms", "take out the bread");
    schedule("kitchen", "500ms", "turn the oven off");
    assertThat(texts(reminders("kitchen").get("pending")))
        .containsExactly("turn the oven off", "take out the bread");

    node.awaitAssert(
        Duration.ofSeconds(10),
        () -> {
          JsonNode all = reminders("kitchen");
          assertThat(all.get("pending")).isEmpty();
          assertThat(texts(all.get("delivered")))
              .containsExactly("turn the oven off", "take out the bread");
          return null;
        });
    for (JsonNode delivered : reminders("kitchen").get("delivered")) {
      Instant due = Instant.parse(delivered.get("due").textValue());
      assertThat(Instant.parse(delivered.get("firedAt").textValue())).isAfterOrEqualTo(due);
    }
    assertThat(reminders("kitchen").get("delivered").get(0).get("id").longValue()).isEqualTo(2);
    assertThat(node.alarmNames("reminder", "kitchen")).isEmpty();
  }

  @Test
  void theLastHundredDeliveredAreKept() throws Exception {
    for (int i = 1; i <= 60; i++) {
      schedule("log", "1ms", "first " + i);
    }
    node.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertThat(reminders("log").get("delivered")).hasSize(60);
          return null;
        });
    for (int i = 1; i <= 45; i++) {
      schedule("log", "1ms", "second " + i);
    }
    node.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          JsonNode all = reminders("log");
          assertThat(all.get("pending")).isEmpty();
          assertThat(all.get("delivered")).hasSize(Reminder.MAX_DELIVERED);
          return null;
        });
    List<String> texts = texts(reminders("log").get("delivered"));
    // Dues are in schedule order here, except that reminders scheduled in the same millisecond
    // sort by ID, which is the schedule order too: the first five are gone.
    assertThat(texts.get(0)).isEqualTo("first 6");
    assertThat(texts.get(99)).isEqualTo("second 45");
  }
}
