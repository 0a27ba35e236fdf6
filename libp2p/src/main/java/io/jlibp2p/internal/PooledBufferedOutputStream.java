package io.jlibp2p.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A buffered output stream whose buffer comes from a {@link BufferPool} when a small write is to be
 * gathered and goes back to it at every {@link #flush}, so an idle connection holds no buffer. A
 * write at least as long as the buffer goes straight to the underlying stream (after what was
 * gathered).
 *
 * <p>Thread-safe: each call holds the stream's lock, also while it blocks in the underlying stream.
 */
public final class PooledBufferedOutputStream extends OutputStream {
  private final OutputStream out;
  private final BufferPool pool;
  private final ReentrantLock lock = new ReentrantLock();
  /** Gathered bytes: {@code buf[0, count)}; null between flushes. */
  private byte[] buf;
  private int count;

  /**
   * @param out the stream written to; closed by {@link #close}
   * @param pool where the buffer comes from
   */
  public PooledBufferedOutputStream(OutputStream out, BufferPool pool) {
    this.out = Objects.requireNonNull(out, "out");
    this.pool = Objects.requireNonNull(pool, "pool");
  }

  @Override
  public void write(int b) throws IOException {
    lock.lock();
    try {
      byte[] buf = buffer();
      if (count == buf.length) {
        writeGathered();
      }
      buf[count++] = (byte) b;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    lock.lock();
    try {
      if (len >= pool.size()) {
        writeGathered();
        out.write(b, off, len);
        return;
      }
      byte[] buf = buffer();
      if (len > buf.length - count) {
        writeGathered();
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
    } finally {
      lock.unlock();
    }
  }

  /** Writes what was gathered, gives the buffer back and flushes the underlying stream. */
  @Override
  public void flush() throws IOException {
    lock.lock();
    try {
      writeGathered();
      byte[] b = buf;
      if (b != null) {
        buf = null;
        pool.release(b);
      }
      out.flush();
    } finally {
      lock.unlock();
    }
  }

  /** Flushes, then closes the underlying stream (also when the flush fails). */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      try {
        flush();
      } catch (IOException e) {
        try {
          out.close();
        } catch (IOException c) {
          e.addSuppressed(c);
        }
        throw e;
      }
      out.close();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the buffer is held (for tests). */
  boolean holdsBuffer() {
    lock.lock();
    try {
      return buf != null;
    } finally {
      lock.unlock();
    }
  }

  private byte[] buffer() {
    byte[] b = buf;
    if (b == null) {
      b = buf = pool.acquire();
    }
    return b;
  }

  private void writeGathered() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
    }
  }
}
