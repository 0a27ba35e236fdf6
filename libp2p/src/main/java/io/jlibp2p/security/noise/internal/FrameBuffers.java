package io.jlibp2p.security.noise.internal;

import io.jlibp2p.internal.BufferPool;

/**
 * The JVM-wide pools of the large buffers Noise streams use only while data moves, so that an idle
 * connection holds none.
 */
final class FrameBuffers {
  /** Buffers kept per size: enough for the connections that move data at the same time. */
  static final int MAX_POOLED = 32;

  /**
   * One whole frame with its length prefix, and room ahead of it for a small frame sealed apart:
   * what an output stream seals into.
   */
  static final BufferPool OUTPUT =
      new BufferPool(NoiseOutputStream.PREFIX_ROOM + NoiseFrames.LENGTH_PREFIX + NoiseFrames.MAX_FRAME_LENGTH, MAX_POOLED);

  /**
   * Four whole frames: what an input stream reads into, so that reads stay large (four measured
   * 5-12% less receiver CPU per byte than two in a bulk transfer).
   */
  static final BufferPool INPUT = new BufferPool(4 * (NoiseFrames.LENGTH_PREFIX + NoiseFrames.MAX_FRAME_LENGTH), MAX_POOLED);

  private FrameBuffers() {}
}
