package io.jlibp2p.security.noise.internal;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small JVM-wide pool of the large buffers Noise streams use only while data moves, so that an
 * idle connection holds none: at most {@link #MAX_POOLED} buffers of each size are kept; beyond
 * that, released buffers are left to the garbage collector. Thread-safe.
 */
final class FrameBuffers {
  /** Buffers kept per size: enough for the connections that move data at the same time. */
  static final int MAX_POOLED = 32;

  /** One whole frame with its length prefix: what an output stream seals into. */
  static final FrameBuffers OUTPUT = new FrameBuffers(NoiseFrames.LENGTH_PREFIX + NoiseFrames.MAX_FRAME_LENGTH);

  /** Two whole frames: what an input stream reads into, so that reads stay large. */
  static final FrameBuffers INPUT = new FrameBuffers(2 * (NoiseFrames.LENGTH_PREFIX + NoiseFrames.MAX_FRAME_LENGTH));

  private final int size;
  private final ConcurrentLinkedDeque<byte[]> free = new ConcurrentLinkedDeque<>();
  private final AtomicInteger pooled = new AtomicInteger();

  private FrameBuffers(int size) {
    this.size = size;
  }

  /** A buffer of this pool's size, owned by the caller until {@link #release}d. */
  byte[] acquire() {
    byte[] b = free.pollFirst();
    if (b == null) {
      return new byte[size];
    }
    pooled.decrementAndGet();
    return b;
  }

  /** Gives back a buffer from {@link #acquire}; the caller must not use it any more. */
  void release(byte[] b) {
    if (b.length == size && pooled.incrementAndGet() <= MAX_POOLED) {
      free.addFirst(b);
    } else if (b.length == size) {
      pooled.decrementAndGet();
    }
  }
}
