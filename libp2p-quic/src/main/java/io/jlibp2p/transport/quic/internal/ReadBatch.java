package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.muxer.internal.DeferredSignals;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The stream wake-ups an event loop holds back while it processes one batch of received
 * datagrams: each datagram delivers stream data, and waking an application thread per datagram
 * costs more than the datagram. {@link QuicEndpoint.Router} marks the batch and flushes the
 * wake-ups at its end; a stream read outside a batch (a read the application asked for, or data
 * the codec delivers when the batch completes) flushes at the end of its own read. One per
 * event-loop thread; that thread only.
 */
final class ReadBatch {
  private static final FastThreadLocal<ReadBatch> CURRENT =
      new FastThreadLocal<>() {
        @Override
        protected ReadBatch initialValue() {
          return new ReadBatch();
        }
      };

  final DeferredSignals signals = new DeferredSignals();
  private boolean active;

  /** The calling (event-loop) thread's batch. */
  static ReadBatch current() {
    return CURRENT.get();
  }

  /** A datagram of the batch is being processed. */
  void begin() {
    active = true;
  }

  /** The batch ended: wakes every stream reader held back. */
  void end() {
    active = false;
    signals.flush();
  }

  /** A stream's read ended: flushes unless a batch is under way (its end will). */
  void streamReadComplete() {
    if (!active) {
      signals.flush();
    }
  }
}
