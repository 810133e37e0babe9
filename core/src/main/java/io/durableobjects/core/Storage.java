package io.durableobjects.core;

import com.fasterxml.jackson.core.type.TypeReference;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An object's key-value storage: strongly consistent, transactional and durable.
 *
 * <p><b>Reads</b> are served from memory and are synchronous: a write is visible to the very next
 * read. A value read back is always a fresh copy: modifying it does not change what is stored.
 *
 * <p><b>Transactions.</b> Writes made while handling a request are buffered and commit atomically,
 * as one journal event, when the request's handler returns; if the handler throws (or its future
 * fails), none of them is committed. {@link #transaction} makes a nested all-or-nothing block
 * inside a request. Storage may only be used from the object's constructor and while it handles a
 * request (including its asynchronous continuation, until its future completes); between requests
 * every method throws {@link IllegalStateException}.
 *
 * <p><b>Keys</b> are non-empty strings of at most {@value #MAX_KEY_BYTES} bytes in UTF-8, without
 * unpaired surrogates. They are ordered by their UTF-8 bytes (that is, by Unicode code point), in
 * every method that returns several entries. {@link StorageKey} pairs a key with its value type.
 *
 * <p><b>Values</b> are any value Jackson can serialize and deserialize (stored as JSON), or {@code
 * byte[]} (stored as is). A serialized value may be at most {@code
 * durable-objects.storage.max-value-size} bytes (default {@value #MAX_VALUE_BYTES}), and an
 * object's whole storage — its keys in UTF-8 plus its serialized values, plus one byte per value —
 * at most {@code durable-objects.storage.max-object-size} (default 8 MiB). Everything an object
 * stores (keys and values, alarms, WebSockets with their attachments, remembered idempotency
 * responses) is at most {@code max-snapshot-size} (default 15 MiB), so that its snapshot fits one
 * Cassandra write. A write that would exceed either limit is refused, unless it does not make the
 * object larger.
 *
 * <p><b>Failures.</b> Every method validates all its arguments, and every write is checked against
 * the limits, before anything is written: a method that throws {@link StorageException} has written
 * nothing (the request's earlier writes stay). Size limits fail with {@link
 * StorageException#isLimitExceeded()} (status 413); other refusals have status 500.
 */
public interface Storage {

  /** The largest key, in bytes of UTF-8. */
  int MAX_KEY_BYTES = 2048;

  /**
   * The default largest serialized value, in bytes; {@code durable-objects.storage.max-value-size}
   * may set another.
   */
  int MAX_VALUE_BYTES = 128 * 1024;

  // ---- single keys -------------------------------------------------------------------------

  /**
   * Reads the value stored under {@code key}.
   *
   * @param type the class to deserialize the value into ({@code byte[].class} for raw bytes; {@code
   *     Object.class} gives what Jackson makes of the JSON, or a {@code byte[]})
   * @return the value, or empty if the key is not stored
   * @throws StorageException if the key is invalid or the stored value cannot be read as {@code
   *     type}
   */
  <T> Optional<T> get(String key, Class<T> type);

  /**
   * Reads the value stored under {@code key} as a generic type, such as a list of records:
   *
   * <pre>{@code
   * List<Item> items = storage.get("items", new TypeReference<List<Item>>() {}).orElse(List.of());
   * }</pre>
   *
   * Otherwise as {@link #get(String, Class)}.
   *
   * @throws StorageException if the key is invalid, {@code type} is null, or the stored value
   *     cannot be read as {@code type}
   */
  <T> Optional<T> get(String key, TypeReference<T> type);

  /**
   * Reads the value stored under a typed key: the same as {@code get(key.name(), type)} with the
   * key's class or type reference.
   *
   * @throws StorageException if the stored value cannot be read as the key's type
   */
  default <T> Optional<T> get(StorageKey<T> key) {
    if (key == null) {
      throw new StorageException("storage key must not be null");
    }
    return key.typeReference().isPresent()
        ? get(key.name(), key.typeReference().get())
        : get(key.name(), key.valueClass().orElseThrow());
  }

  /**
   * Stores {@code value} under {@code key}, replacing any previous value.
   *
   * @throws StorageException if the key or value is invalid, too large or cannot be serialized, or
   *     the object's storage would become too large; nothing is written in that case
   */
  void put(String key, Object value);

  /**
   * Stores {@code value} under a typed key: the same as {@code put(key.name(), value)}.
   *
   * @throws StorageException as {@link #put(String, Object)} does
   */
  default <T> void put(StorageKey<T> key, T value) {
    if (key == null) {
      throw new StorageException("storage key must not be null");
    }
    put(key.name(), value);
  }

  /**
   * Deletes {@code key}.
   *
   * @return whether the key was stored
   * @throws StorageException if the key is invalid
   */
  boolean delete(String key);

  /**
   * Deletes a typed key: the same as {@code delete(key.name())}.
   *
   * @return whether the key was stored
   */
  default boolean delete(StorageKey<?> key) {
    if (key == null) {
      throw new StorageException("storage key must not be null");
    }
    return delete(key.name());
  }

  // ---- several keys ------------------------------------------------------------------------

  /**
   * Reads several keys at once.
   *
   * @param keys the keys to read; duplicates are read once
   * @param type the class to deserialize every value into
   * @return an unmodifiable map of the keys that are stored to their values, iterating in ascending
   *     UTF-8 order of the keys; keys that are not stored are absent
   * @throws StorageException if {@code keys} is null, any key is invalid, or a stored value cannot
   *     be read as {@code type}
   */
  <T> Map<String, T> get(Collection<String> keys, Class<T> type);

  /**
   * Reads several keys at once, every value as a generic type; otherwise as {@link #get(Collection,
   * Class)}.
   */
  <T> Map<String, T> get(Collection<String> keys, TypeReference<T> type);

  /**
   * Stores several entries, all or nothing: every key and value is validated and serialized, and
   * the object limit checked for all of them together, before any is written.
   *
   * @throws StorageException if {@code entries} is null, or any key or value is invalid, too large
   *     or cannot be serialized, or the object's storage would become too large; nothing is written
   *     in that case
   */
  void put(Map<String, ?> entries);

  /**
   * Deletes several keys; every key is validated before any is deleted.
   *
   * @param keys the keys to delete; duplicates are deleted (and counted) once
   * @return how many of them were stored
   * @throws StorageException if {@code keys} is null or any key is invalid; nothing is deleted in
   *     that case
   */
  int delete(Collection<String> keys);

  /**
   * Deletes every key of the object. Like every write, it is part of the request's transaction: it
   * commits with the request's other writes, or not at all; writes made after it in the same
   * request are kept.
   */
  void deleteAll();

  // ---- listing -----------------------------------------------------------------------------

  /**
   * Reads the entries in a range of keys, in order; see {@link ListOptions} for the conditions, the
   * order and the limit.
   *
   * <p>The result is an unmodifiable map whose <em>iteration order is the listing's order</em>:
   * ascending UTF-8 order of the keys, or descending with {@link ListOptions#withReverse reverse}.
   * Cost: the entries of the range that are returned, plus O(log n) per listing ascending or per
   * entry descending; entries outside the range are never visited.
   *
   * @param type the class to deserialize every listed value into
   * @throws StorageException if {@code options} or {@code type} is null, or a listed value cannot
   *     be read as {@code type}
   */
  <T> Map<String, T> list(ListOptions options, Class<T> type);

  /**
   * Reads the entries in a range of keys, every value as a generic type; otherwise as {@link
   * #list(ListOptions, Class)}.
   */
  <T> Map<String, T> list(ListOptions options, TypeReference<T> type);

  /**
   * Reads every entry, in ascending UTF-8 order of the keys: the same as {@code
   * list(ListOptions.all(), type)}. Mind the size of the result on a large object.
   *
   * @throws StorageException if a value cannot be read as {@code type}
   */
  default <T> Map<String, T> list(Class<T> type) {
    return list(ListOptions.all(), type);
  }

  // ---- transactions ------------------------------------------------------------------------

  /**
   * Runs {@code body} as a nested all-or-nothing block of the current request: if {@code body}
   * throws, every write it made is undone (the request's earlier writes stay) and the exception
   * propagates unchanged; if it returns, its writes become part of the request, which commits or
   * fails as a whole as usual. Blocks nest: an inner block that fails undoes only its own writes.
   *
   * <p>{@code body} receives this storage and runs synchronously, at once; writes made after it
   * returned (for example in a continuation of a future it returned) are not part of the block.
   *
   * @return what {@code body} returned
   * @throws StorageException if {@code body} is null
   */
  <R> R transaction(Function<Storage, R> body);

  // ---- alarms ------------------------------------------------------------------------------

  /**
   * The name of the alarm that {@link #setAlarm(Instant)}, {@link #getAlarm()} and {@link
   * #deleteAlarm()} manage.
   */
  String DEFAULT_ALARM = "default";

  /** The longest alarm name, in UTF-8 bytes. */
  int MAX_ALARM_NAME_BYTES = 256;

  /**
   * Sets the object's alarm (the one named {@link #DEFAULT_ALARM}), replacing it if it is set:
   * {@link AlarmHandler#alarm} runs at or after {@code time}, at least once, even if the object is
   * evicted, its node crashes or the whole cluster restarts in between. A time in the past fires at
   * once (after this request commits).
   *
   * <p>Like every write, part of the request's transaction: a request that fails sets nothing.
   *
   * @throws StorageException if {@code time} is null, or the object's class does not implement
   *     {@link AlarmHandler#alarm} (or {@link AsyncAlarmHandler})
   */
  default void setAlarm(Instant time) {
    setAlarm(DEFAULT_ALARM, time);
  }

  /** The time the object's alarm ({@link #DEFAULT_ALARM}) is set for, if it is set. */
  default Optional<Instant> getAlarm() {
    return getAlarm(DEFAULT_ALARM);
  }

  /**
   * Cancels the object's alarm ({@link #DEFAULT_ALARM}).
   *
   * @return whether it was set
   */
  default boolean deleteAlarm() {
    return deleteAlarm(DEFAULT_ALARM);
  }

  /**
   * Sets the alarm called {@code name}, replacing an alarm of that name. An object may keep several
   * named alarms at once (up to {@code durable-objects.alarms.max-per-object}); each is delivered
   * on its own, with its name in {@link AlarmInfo#name()}. Otherwise as {@link #setAlarm(Instant)}.
   *
   * @param name 1 to {@value #MAX_ALARM_NAME_BYTES} bytes of UTF-8, without control characters
   * @throws StorageException if the name or time is invalid, the object already has the most alarms
   *     allowed, or its class implements neither {@link AlarmHandler} nor {@link AsyncAlarmHandler}
   */
  void setAlarm(String name, Instant time);

  /** The time the alarm called {@code name} is set for, if it is set. */
  Optional<Instant> getAlarm(String name);

  /**
   * Cancels the alarm called {@code name}.
   *
   * @return whether it was set
   */
  boolean deleteAlarm(String name);

  /**
   * Every alarm of the object that has not been delivered (or is being retried), by name, in order
   * of name. The alarm being delivered is not listed while its handler runs (unless the handler set
   * it again).
   */
  Map<String, Instant> listAlarms();
}
