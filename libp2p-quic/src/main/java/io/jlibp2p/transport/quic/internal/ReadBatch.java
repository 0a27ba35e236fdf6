package io.jlibp2p.transport.quic.internal;

import io.jlibp2p.muxer.internal.DeferredSignals;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;

/**
 * What an event loop holds back while it processes one batch of received datagrams, until the
 * batch's end ({@link QuicEndpoint.Router} marks both):
 *
 * <ul>
 *   <li>the wake-ups of stream readers: each datagram delivers stream data, and waking an
 *       application thread per datagram costs more than the datagram. A stream read outside a
 *       batch (a read the application asked for, or data the codec delivers when the batch
 *       completes) flushes at the end of its own read;
 *   <li>the next read of a stream that took data from a datagram of the batch: the codec would
 *       otherwise read the stream again for every datagram (a buffer, a pass through the pipeline
 *       and a copy each time). Read at the end, it hands over all the data the batch brought at
 *       once. A stream asks at most once per batch: once it has asked, no read is pending on it,
 *       so the codec gives it nothing more until the end.
 * </ul>
 *
 * The reads run before the codecs complete the batch, so the flow-control credit they return
 * leaves with the batch's acknowledgements. One per event-loop thread; that thread only.
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
  /** Stream channels to read at the batch's end. */
  private final ArrayDeque<Channel> reads = new ArrayDeque<>();
  private boolean active;

  /** The calling (event-loop) thread's batch. */
  static ReadBatch current() {
    return CURRENT.get();
  }

  /** A datagram of the batch is being processed. */
  void begin() {
    active = true;
  }

  /** Whether a batch is under way. */
  boolean active() {
    return active;
  }

  /** During a batch: reads {@code stream} (a stream channel) once the batch ends. */
  void readAtEnd(Channel stream) {
    reads.add(stream);
  }

  /**
   * The batch ended: reads the streams that asked for it, then wakes every stream reader held
   * back. A read does not throw: Netty hands a failure to the stream's own pipeline.
   */
  void end() {
    active = false;
    try {
      Channel c;
      while ((c = reads.poll()) != null) {
        c.read();
      }
    } finally {
      signals.flush();
    }
  }

  /** A stream's read ended: flushes unless a batch is under way (its end will). */
  void streamReadComplete() {
    if (!active) {
      signals.flush();
    }
  }
}
