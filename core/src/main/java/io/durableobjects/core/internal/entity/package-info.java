/**
 * INTERNAL API: the sharded object entity (object actor + journal child). {@link
 * io.durableobjects.core.internal.entity.ObjectEntity} is the entry and the tour: one behaviour per
 * phase ({@code Recovering}, {@code Activating}, {@code Running}, {@code Stopping}, {@code
 * Broken}), the gates ({@code InputGate}, {@code OutputGate}), one handler per kind of call.
 */
package io.durableobjects.core.internal.entity;
