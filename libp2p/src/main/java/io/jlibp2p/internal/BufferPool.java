package io.jlibp2p.internal;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small JVM-wide pool of large byte arrays of one size, for buffers that are needed only while
 * data moves: an idle connection holds none, and a busy one does not allocate (and zero) a fresh
 * array for every buffer it fills. At most {@code maxPooled} arrays are kept; beyond that, released
 * arrays are left to the garbage collector. Thread-safe; an array is owned by one caller from
 * {@link #acquire} to {@link #release}.
 */
public final class BufferPool {
  private final int size;
  private final int maxPooled;
  private final ConcurrentLinkedDeque<byte[]> free = new ConcurrentLinkedDeque<>();
  private final AtomicInteger pooled = new AtomicInteger();

  /**
   * @param size the length of every array
   * @param maxPooled how many released arrays are kept at most
   */
  public BufferPool(int size, int maxPooled) {
    if (size <= 0 || maxPooled < 0) {
      throw new IllegalArgumentException("size " + size + ", maxPooled " + maxPooled);
    }
    this.size = size;
    this.maxPooled = maxPooled;
  }

  /** The length of this pool's arrays. */
  public int size() {
    return size;
  }

  /** An array of {@link #size} bytes (not zeroed if it was pooled), owned by the caller. */
  public byte[] acquire() {
    byte[] b = free.pollFirst();
    if (b == null) {
      return new byte[size];
    }
    pooled.decrementAndGet();
    return b;
  }

  /**
   * Gives back an array from {@link #acquire} (arrays of another length are ignored); the caller
   * must not use it any more.
   */
  public void release(byte[] b) {
    if (b.length != size) {
      return;
    }
    if (pooled.incrementAndGet() <= maxPooled) {
      free.addFirst(b);
    } else {
      pooled.decrementAndGet();
    }
  }

  /** Arrays waiting in the pool (for tests). */
  public int pooled() {
    return free.size();
  }
}
