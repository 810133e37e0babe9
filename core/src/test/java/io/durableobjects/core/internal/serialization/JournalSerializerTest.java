package io.durableobjects.core.internal.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durableobjects.core.internal.entity.CommittedState;
import io.durableobjects.core.internal.entity.TransactionCommitted;
import io.durableobjects.core.internal.storage.KeyValueState;
import java.io.NotSerializableException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalSerializerTest {
  private final JournalSerializer serializer = new JournalSerializer();

  @Test
  void transactionsRoundTripIncludingDeletesAndEmptyValues() throws Exception {
    TransactionCommitted tx =
        new TransactionCommitted(
            List.of(
                new TransactionCommitted.Change("a", new byte[] {1, 2}),
                new TransactionCommitted.Change("gone", null),
                new TransactionCommitted.Change("ключ", new byte[0])));
    byte[] bytes = serializer.toBinary(tx);
    TransactionCommitted back =
        (TransactionCommitted) serializer.fromBinary(bytes, serializer.manifest(tx));

    assertThat(serializer.manifest(tx)).isEqualTo("transaction-committed");
    assertThat(back.changes()).hasSize(3);
    assertThat(back.changes().get(0).value()).containsExactly(1, 2);
    assertThat(back.changes().get(1).isDelete()).isTrue();
    assertThat(back.changes().get(2).key()).isEqualTo("ключ");
    assertThat(back.changes().get(2).value()).isEmpty();
  }

  @Test
  void snapshotsRoundTrip() throws Exception {
    KeyValueState data = KeyValueState.empty();
    for (int i = 0; i < 1000; i++) {
      data = data.put("key-" + i, new byte[] {(byte) i});
    }
    CommittedState state = new CommittedState(data);
    CommittedState back =
        (CommittedState) serializer.fromBinary(serializer.toBinary(state), "object-snapshot");
    assertThat(back.data().size()).isEqualTo(1000);
    assertThat(back.data().bytes()).isEqualTo(data.bytes());
    assertThat(back.data().get("key-999").orElseThrow()).containsExactly((byte) 999);
  }

  @Test
  void anUnknownVersionOrManifestIsRefusedClearly() {
    byte[] bytes = serializer.toBinary(new TransactionCommitted(List.of()));
    bytes[0] = 9;
    assertThatThrownBy(() -> serializer.fromBinary(bytes, "transaction-committed"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("format version 9; this node reads version 1");
    assertThatThrownBy(() -> serializer.fromBinary(new byte[0], "something-else"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("unknown manifest 'something-else'");
  }

  @Test
  void truncatedPayloadsAreRefused() {
    byte[] bytes =
        serializer.toBinary(
            new TransactionCommitted(
                List.of(new TransactionCommitted.Change("a", new byte[] {1, 2, 3}))));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 2);
    assertThatThrownBy(() -> serializer.fromBinary(truncated, "transaction-committed"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("corrupt transaction-committed");
  }
}
