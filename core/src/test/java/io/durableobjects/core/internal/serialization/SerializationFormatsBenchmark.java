package io.durableobjects.core.internal.serialization;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.durableobjects.core.Response;
import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.IdempotencyRecords;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.entity.TransactionCommitted.Change;
import io.durableobjects.core.internal.storage.AlarmSchedule;
import io.durableobjects.core.internal.storage.KeyValueState;
import io.durableobjects.core.internal.storage.ScheduledAlarm;
import io.durableobjects.core.internal.storage.SocketRecord;
import io.durableobjects.core.internal.storage.SocketRegistry;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: the journal's hand-written binary format ({@link JournalSerializer}) against Jackson CBOR,
 * for the same logical events and snapshots. Run it with {@code bin/bench-serialization}; {@link
 * #main} first checks that both formats round-trip every payload and prints the serialized sizes,
 * then runs JMH (its arguments go to JMH, e.g. {@code -p payload=counter}).
 *
 * <p>Payloads ({@link #PAYLOADS}):
 *
 * <ul>
 *   <li>{@code counter}: one change, key "count", an 8-byte value, committedAt set;
 *   <li>{@code cart}: three changes with 20-byte keys and ~60-byte JSON values, committedAt set;
 *   <li>{@code remembered}: the counter event that also remembers an idempotency response;
 *   <li>{@code snapshot1000}: a snapshot of 1 000 keys ("best:player-N", values of 8 to 40 bytes)
 *       with its last write time: what an evicted object reads to activate.
 * </ul>
 *
 * <p>Jackson side: a plain {@link CBORMapper} with the parameter-names module (records need no
 * module in Jackson 2.19). Events are the real {@link TransactionCommitted} records, with one
 * mapper setting: is-getters are not auto-detected, because {@code Change.isDelete()} (and the
 * other changes' {@code isDelete()}) would otherwise be written as an extra {@code "delete"}
 * property that the record cannot read back. A snapshot cannot be written as is ({@link
 * KeyValueState}, {@link IdempotencyRecords} and {@link SocketRegistry} have no Jackson
 * properties), so it goes through the mirror {@link SnapshotDto} with the same fields, and the
 * {@code cbor*} snapshot numbers include converting from and to {@link CommittedState} (building
 * the key-value tree, as {@link JournalSerializer} does too); the {@code cborSnapshotDtoOnly*}
 * benchmarks measure the DTO's bytes alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class SerializationFormatsBenchmark {

  static final String[] PAYLOADS = {"counter", "cart", "remembered", "snapshot1000"};
  static final long COMMITTED_AT = 1_767_225_600_000L;

  /** One payload in both formats, already serialized once for the deserialization benchmarks. */
  @State(Scope.Benchmark)
  public static class Payload {
    @Param({"counter", "cart", "remembered", "snapshot1000"})
    public String payload;

    final JournalSerializer journal = new JournalSerializer();
    final CborCodec cbor = CborCodec.create();
    Object value;
    String manifest;
    byte[] journalBytes;
    byte[] cborBytes;

    @Setup
    public void setUp() {
      value = build(payload);
      manifest = journal.manifest(value);
      journalBytes = journal.toBinary(value);
      cborBytes = cbor.write(value);
    }
  }

  /** The snapshot's mirror DTO alone, to split the Jackson cost from the conversion cost. */
  @State(Scope.Benchmark)
  public static class SnapshotDtoOnly {
    final CborCodec cbor = CborCodec.create();
    SnapshotDto dto;
    byte[] bytes;

    @Setup
    public void setUp() {
      dto = SnapshotDto.of((CommittedState) build("snapshot1000"));
      bytes = cbor.writeDto(dto);
    }
  }

  @Benchmark
  public byte[] journalSerialize(Payload p) {
    return p.journal.toBinary(p.value);
  }

  @Benchmark
  public Object journalDeserialize(Payload p) throws NotSerializableException {
    return p.journal.fromBinary(p.journalBytes, p.manifest);
  }

  @Benchmark
  public byte[] cborSerialize(Payload p) {
    return p.cbor.write(p.value);
  }

  @Benchmark
  public Object cborDeserialize(Payload p) {
    return p.cbor.read(p.cborBytes, p.value.getClass());
  }

  @Benchmark
  public byte[] cborSnapshotDtoOnlySerialize(SnapshotDtoOnly s) {
    return s.cbor.writeDto(s.dto);
  }

  @Benchmark
  public Object cborSnapshotDtoOnlyDeserialize(SnapshotDtoOnly s) {
    return s.cbor.readDto(s.bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Payloads

  static Object build(String payload) {
    switch (payload) {
      case "counter":
        return counterEvent();
      case "cart":
        return new TransactionCommitted(
                List.of(
                    new Change(
                        "cart:item-0000004711",
                        json("{\"sku\":\"MUG-BLUE-350\",\"qty\":2,\"cents\":1299}")),
                    new Change(
                        "cart:item-0000004712",
                        json("{\"sku\":\"TEA-EARL-GREY\",\"qty\":1,\"cents\":649}")),
                    new Change(
                        "cart:updated-at-0001",
                        json("{\"at\":\"2026-01-01T00:00:00Z\",\"by\":\"u-91\"}"))))
            .withCommittedAt(COMMITTED_AT);
      case "remembered":
        return counterEvent()
            .withRemembered(
                IdempotencyRecords.Remembered.of(
                    "7f3c9a2e-5b1d-4e8a-9c6f-0a1b2c3d4e5f",
                    COMMITTED_AT,
                    86_400_000L,
                    "9b74c9897bac770ffc029102a200c5de6f3b6ba6d2d8ef8b4ba3bd4fc0c4a3a3",
                    Response.json("{\"count\":1048576}")));
      case "snapshot1000":
        Random random = new Random(42);
        KeyValueState data = KeyValueState.empty();
        for (int i = 0; i < 1000; i++) {
          // A tag byte and a JSON string: 8 to 40 bytes in all.
          int length = 8 + random.nextInt(33);
          StringBuilder s = new StringBuilder("\"");
          for (int j = 0; j < length - 3; j++) {
            s.append((char) ('a' + random.nextInt(26)));
          }
          data = data.put("best:player-" + i, json(s.append('"').toString()));
        }
        return new CommittedState(data, IdempotencyRecords.EMPTY, COMMITTED_AT);
      default:
        throw new IllegalArgumentException("unknown payload " + payload);
    }
  }

  private static TransactionCommitted counterEvent() {
    return new TransactionCommitted(List.of(new Change("count", json("1048576"))))
        .withCommittedAt(COMMITTED_AT);
  }

  /** A value as ValueCodec stores JSON: the tag byte 1, then the JSON text. */
  private static byte[] json(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[utf8.length + 1];
    value[0] = 1;
    System.arraycopy(utf8, 0, value, 1, utf8.length);
    return value;
  }

  // ---------------------------------------------------------------------------------------------
  // Jackson CBOR

  /**
   * Jackson CBOR for events (the records as they are) and snapshots (through {@link SnapshotDto}).
   */
  static final class CborCodec {
    private final ObjectWriter eventWriter;
    private final ObjectReader eventReader;
    private final ObjectWriter snapshotWriter;
    private final ObjectReader snapshotReader;

    private CborCodec(CBORMapper mapper) {
      eventWriter = mapper.writerFor(TransactionCommitted.class);
      eventReader = mapper.readerFor(TransactionCommitted.class);
      snapshotWriter = mapper.writerFor(SnapshotDto.class);
      snapshotReader = mapper.readerFor(SnapshotDto.class);
    }

    static CborCodec create() {
      return new CborCodec(
          CBORMapper.builder()
              .addModule(new ParameterNamesModule())
              // Change/AlarmChange/SocketChange.isDelete() are derived, not record components.
              .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
              .build());
    }

    byte[] write(Object value) {
      try {
        return value instanceof CommittedState state
            ? snapshotWriter.writeValueAsBytes(SnapshotDto.of(state))
            : eventWriter.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Object read(byte[] bytes, Class<?> type) {
      try {
        return type == CommittedState.class
            ? ((SnapshotDto) snapshotReader.readValue(bytes)).toState()
            : eventReader.readValue(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    byte[] writeDto(SnapshotDto dto) {
      try {
        return snapshotWriter.writeValueAsBytes(dto);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    SnapshotDto readDto(byte[] bytes) {
      try {
        return snapshotReader.readValue(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Mirror of {@link CommittedState}, field for field, in types Jackson can write and read. */
  public record SnapshotDto(
      Map<String, byte[]> data,
      List<IdempotencyRecords.Remembered> idempotency,
      long lastWriteMillis,
      List<ScheduledAlarm> alarms,
      SocketsDto sockets) {

    static SnapshotDto of(CommittedState state) {
      Map<String, byte[]> data = new LinkedHashMap<>(state.data().size() * 4 / 3 + 1);
      for (Iterator<Map.Entry<String, byte[]>> it = state.data().iterator(); it.hasNext(); ) {
        Map.Entry<String, byte[]> e = it.next();
        data.put(e.getKey(), e.getValue());
      }
      SocketRegistry sockets = state.sockets();
      return new SnapshotDto(
          data,
          state.idempotency().oldestFirst(),
          state.lastWriteMillis(),
          state.alarms().all(),
          sockets.isEmpty() && sockets.nextOrder() == 0
              ? null
              : new SocketsDto(
                  sockets.nextOrder(),
                  sockets.all(),
                  sockets.autoRequest(),
                  sockets.autoResponse()));
    }

    CommittedState toState() {
      KeyValueState kv = KeyValueState.empty();
      for (Map.Entry<String, byte[]> e : data.entrySet()) {
        kv = kv.put(e.getKey(), e.getValue());
      }
      IdempotencyRecords records = IdempotencyRecords.EMPTY;
      for (IdempotencyRecords.Remembered r : idempotency) {
        records = records.remember(r);
      }
      AlarmSchedule schedule = AlarmSchedule.empty();
      for (ScheduledAlarm alarm : alarms) {
        schedule = schedule.with(alarm);
      }
      SocketRegistry registry = SocketRegistry.empty();
      if (sockets != null) {
        for (SocketRecord socket : sockets.held()) {
          registry = registry.with(socket);
        }
        registry =
            registry
                .withAutoResponse(sockets.autoRequest(), sockets.autoResponse())
                .withNextOrder(sockets.nextOrder());
      }
      return new CommittedState(kv, records, lastWriteMillis, schedule, registry);
    }
  }

  /** Mirror of {@link SocketRegistry}. */
  public record SocketsDto(
      long nextOrder, List<SocketRecord> held, String autoRequest, String autoResponse) {}

  // ---------------------------------------------------------------------------------------------

  /**
   * Checks that both formats give back every payload, prints the serialized sizes, then runs this
   * benchmark with JMH; {@code args} are JMH's command-line options.
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    if (cli.shouldHelp()
        || cli.shouldList()
        || cli.shouldListWithParams()
        || cli.shouldListProfilers()
        || cli.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args); // JMH's own -h / -l / -lp / -lprof / -lrf
      return;
    }
    JournalSerializer journal = new JournalSerializer();
    CborCodec cbor = CborCodec.create();
    System.out.println("Serialized sizes (bytes):");
    System.out.printf("  %-14s %10s %10s %8s%n", "payload", "journal", "cbor", "cbor/j");
    for (String payload : PAYLOADS) {
      Object value = build(payload);
      byte[] j = journal.toBinary(value);
      byte[] c = cbor.write(value);
      Object fromJournal = journal.fromBinary(j, journal.manifest(value));
      Object fromCbor = cbor.read(c, value.getClass());
      if (!fromJournal.equals(value) || !fromCbor.equals(value)) {
        throw new AssertionError(
            payload
                + " does not round-trip: journal "
                + fromJournal.equals(value)
                + ", cbor "
                + fromCbor.equals(value));
      }
      System.out.printf(
          "  %-14s %10d %10d %8.2f%n", payload, j.length, c.length, (double) c.length / j.length);
    }
    System.out.println();
    OptionsBuilder options = new OptionsBuilder();
    options.parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(SerializationFormatsBenchmark.class.getName() + "\\.");
    }
    new Runner(options.build()).run();
  }
}
