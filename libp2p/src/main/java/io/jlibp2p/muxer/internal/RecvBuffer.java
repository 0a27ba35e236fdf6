package io.jlibp2p.muxer.internal;

import io.jlibp2p.internal.BufferPool;

/**
 * A stream's receive buffer: a queue of chunks filled by the connection's reader thread and
 * drained by the application. Not thread-safe: every method is called with the owning stream's
 * lock held, except that the reader writes into the array returned by {@link #writeChunk} (at
 * {@link #writePosition}) without the lock and then {@link #commit commits} under it. Readers only
 * see committed bytes, and a chunk is recycled only once the connection's reader thread has filled
 * it or moved on to a newer one, so that unlocked write never races.
 *
 * <p>A large chunk with less than {@link #SEAL_BELOW} bytes of room left is closed early when more
 * than that room is coming: the next bytes then start a fresh chunk. The layer below can then read
 * a whole decrypted frame straight into the chunk (a Noise frame carries up to 65,519 bytes)
 * instead of decrypting it in its own buffer and copying it over in two pieces. At most a quarter
 * of a large chunk goes unused, so buffered bytes hold at most 4/3 of their size in chunks.
 */
public final class RecvBuffer {
  /** Size of the chunks that carry bulk data. */
  public static final int LARGE_CHUNK = 64 * 1024;

  /** Size of the chunks used for small frames, so idle streams hold little memory. */
  public static final int SMALL_CHUNK = 2 * 1024;

  /** A large chunk with less room than this is closed when a longer write comes (see the class). */
  static final int SEAL_BELOW = LARGE_CHUNK / 4;

  /**
   * Large chunks kept JVM-wide for reuse beyond each stream's one spare: a bulk stream's chunks go
   * back here as the application reads them, so that the reader does not allocate (and zero) a
   * fresh one for every 64 KiB received.
   */
  static final int MAX_POOLED_CHUNKS = 64;

  private static final BufferPool LARGE_CHUNKS = new BufferPool(LARGE_CHUNK, MAX_POOLED_CHUNKS);

  private final BufferPool largeChunks;
  /** The chunks, oldest first, as a ring: {@code ring[(head + i) % ring.length]} for i < count. */
  private byte[][] ring = new byte[2][];
  /** Where each chunk's bytes end; for the last chunk, {@link #writePos} is authoritative. */
  private int[] ends = new int[2];
  private int head;
  private int count;
  private byte[] spare; // one recycled large chunk, kept by this stream
  private int readPos; // in the first chunk
  private int writePos; // in the last chunk
  private int size;

  public RecvBuffer() {
    this(LARGE_CHUNKS);
  }

  /** With its own pool of {@link #LARGE_CHUNK} arrays (for tests). */
  RecvBuffer(BufferPool largeChunks) {
    if (largeChunks.size() != LARGE_CHUNK) {
      throw new IllegalArgumentException("pool of " + largeChunks.size() + "-byte arrays (expected: " + LARGE_CHUNK + ")");
    }
    this.largeChunks = largeChunks;
  }

  /** Number of buffered (committed, unread) bytes. */
  public int size() {
    return size;
  }

  /**
   * Returns the chunk to write into, adding one if the last is full, or nearly full and {@code
   * pending} does not fit (see the class). {@code pending} is how many more bytes the current
   * frame carries (sizes a new chunk).
   */
  public byte[] writeChunk(int pending) {
    if (count > 0) {
      byte[] last = ring[slot(count - 1)];
      int room = last.length - writePos;
      if (room > 0 && (room >= pending || last.length != LARGE_CHUNK || room >= SEAL_BELOW)) {
        return last;
      }
      ends[slot(count - 1)] = writePos;
    }
    byte[] c;
    if (pending <= SMALL_CHUNK) {
      c = new byte[SMALL_CHUNK];
    } else if (spare != null) {
      c = spare;
      spare = null;
    } else {
      c = largeChunks.acquire();
    }
    if (count == 0) {
      readPos = 0;
    }
    if (count == ring.length) {
      grow();
    }
    ring[slot(count)] = c;
    count++;
    writePos = 0;
    return c;
  }

  /** Where in {@link #writeChunk}'s array the next byte goes. */
  public int writePosition() {
    return writePos;
  }

  /** Makes {@code n} bytes written at {@link #writePosition} readable. */
  public void commit(int n) {
    writePos += n;
    size += n;
  }

  /** Copies up to {@code len} buffered bytes into {@code dst}; returns how many. */
  public int read(byte[] dst, int off, int len) {
    int total = 0;
    while (total < len && size > 0) {
      byte[] first = ring[head];
      boolean last = count == 1;
      int end = last ? writePos : ends[head];
      int n = Math.min(len - total, end - readPos);
      System.arraycopy(first, readPos, dst, off + total, n);
      readPos += n;
      total += n;
      size -= n;
      if (readPos == end && (!last || end == first.length)) {
        // done with it: a later chunk is being written, or this one is full
        removeFirst();
        readPos = 0;
      }
    }
    return total;
  }

  /** Drops every buffered byte; returns how many there were. */
  public int clear() {
    int n = size;
    // keep the last chunk: its write position stays meaningful for an in-flight unlocked write
    while (count > 1) {
      removeFirst();
    }
    readPos = writePos;
    size = 0;
    return n;
  }

  /** How many chunks hold (or await) bytes (for tests). */
  int chunks() {
    return count;
  }

  private int slot(int i) {
    return (head + i) & (ring.length - 1);
  }

  private void removeFirst() {
    byte[] c = ring[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    count--;
    recycle(c);
  }

  /** Doubles the ring (its length stays a power of two), oldest chunk first. */
  private void grow() {
    byte[][] r = new byte[ring.length * 2][];
    int[] e = new int[r.length];
    for (int i = 0; i < count; i++) {
      r[i] = ring[slot(i)];
      e[i] = ends[slot(i)];
    }
    ring = r;
    ends = e;
    head = 0;
  }

  private void recycle(byte[] c) {
    if (c.length != LARGE_CHUNK) {
      return;
    }
    if (spare == null) {
      spare = c;
    } else {
      largeChunks.release(c);
    }
  }
}
