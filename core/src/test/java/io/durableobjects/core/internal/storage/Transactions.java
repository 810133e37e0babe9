package io.durableobjects.core.internal.storage;

/** Transactions over data alone, for the storage tests (no alarms, sockets or their rules). */
final class Transactions {
  private Transactions() {}

  /** A transaction with the codec's limits. */
  static TransactionalStorage over(KeyValueState state, ValueCodec codec) {
    return over(state, codec, codec.settings().maxObjectBytes());
  }

  /** A transaction with another object limit (UTF-8 keys plus encoded values, in bytes). */
  static TransactionalStorage over(KeyValueState state, ValueCodec codec, long maxObjectBytes) {
    return new TransactionalStorage(
        state, AlarmSchedule.empty(), codec, maxObjectBytes, AlarmRules.PERMISSIVE);
  }
}
