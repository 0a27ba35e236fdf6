package io.jlibp2p.muxer.internal;

import io.jlibp2p.internal.BufferPool;
import java.util.ArrayDeque;

/**
 * A stream's receive buffer: a queue of chunks filled by the connection's reader thread and
 * drained by the application. Not thread-safe: every method is called with the owning stream's
 * lock held, except that the reader writes into the array returned by {@link #writeChunk} (at
 * {@link #writePosition}) without the lock and then {@link #commit commits} under it. Readers only
 * see committed bytes, and only full chunks are recycled, so that unlocked write never races.
 */
public final class RecvBuffer {
  /** Size of the chunks that carry bulk data. */
  public static final int LARGE_CHUNK = 64 * 1024;

  /** Size of the chunks used for small frames, so idle streams hold little memory. */
  public static final int SMALL_CHUNK = 2 * 1024;

  /**
   * Large chunks kept JVM-wide for reuse beyond each stream's one spare: a bulk stream's chunks go
   * back here as the application reads them, so that the reader does not allocate (and zero) a
   * fresh one for every 64 KiB received.
   */
  static final int MAX_POOLED_CHUNKS = 64;

  private static final BufferPool LARGE_CHUNKS = new BufferPool(LARGE_CHUNK, MAX_POOLED_CHUNKS);

  private final BufferPool largeChunks;
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
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
   * Returns the chunk to write into, adding one if the last is full. {@code pending} is how many
   * more bytes the current frame carries (sizes a new chunk).
   */
  public byte[] writeChunk(int pending) {
    byte[] last = chunks.peekLast();
    if (last != null && writePos < last.length) {
      return last;
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
    if (chunks.isEmpty()) {
      readPos = 0;
    }
    chunks.addLast(c);
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
      byte[] first = chunks.peekFirst();
      int end = chunks.size() == 1 ? writePos : first.length;
      int n = Math.min(len - total, end - readPos);
      System.arraycopy(first, readPos, dst, off + total, n);
      readPos += n;
      total += n;
      size -= n;
      if (readPos == first.length) {
        recycle(chunks.pollFirst());
        readPos = 0;
      }
    }
    return total;
  }

  /** Drops every buffered byte; returns how many there were. */
  public int clear() {
    int n = size;
    if (!chunks.isEmpty()) {
      // keep the last chunk's write position meaningful for an in-flight unlocked write
      byte[] last = chunks.pollLast();
      while (!chunks.isEmpty()) {
        recycle(chunks.pollFirst());
      }
      chunks.addLast(last);
      readPos = writePos;
    }
    size = 0;
    return n;
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
