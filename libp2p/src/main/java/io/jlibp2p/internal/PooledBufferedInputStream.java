package io.jlibp2p.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A buffered input stream for a connection's raw bytes, which gathers small reads (varints, short
 * negotiation messages) and holds a buffer from a {@link BufferPool} only while they keep coming.
 * With nothing buffered, a read of at least {@value #IDLE_READ} bytes goes straight to the
 * underlying stream, and a smaller one waits in a read of {@value #IDLE_READ} bytes: a short message
 * is served from that, and only one that fills it takes a pooled buffer, for the rest of what has
 * arrived. An idle connection holds no pooled buffer.
 *
 * <p>One reading thread at a time ({@link #available} included); {@link #close} from any thread.
 * No mark and reset.
 */
public final class PooledBufferedInputStream extends InputStream {
  /** Bytes a waiting read asks for while the buffer is back in the pool. */
  public static final int IDLE_READ = 64;

  private final InputStream in;
  private final BufferPool pool;
  private final byte[] probe = new byte[IDLE_READ];
  /**
   * Buffered bytes: {@code buf[pos, lim)}. A pooled buffer, or {@link #probe} after a small read,
   * or null.
   */
  private byte[] buf;
  private int pos;
  private int lim;

  /**
   * @param in the stream read from; closed by {@link #close}
   * @param pool where the buffer comes from (arrays of at least {@value #IDLE_READ} bytes)
   */
  public PooledBufferedInputStream(InputStream in, BufferPool pool) {
    this.in = Objects.requireNonNull(in, "in");
    this.pool = Objects.requireNonNull(pool, "pool");
    if (pool.size() < IDLE_READ) {
      throw new IllegalArgumentException("pool buffers of " + pool.size() + " bytes (expected: >= " + IDLE_READ + ")");
    }
  }

  @Override
  public int read() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    return buf[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (pos == lim) {
      if (len >= IDLE_READ) {
        giveBack();
        return in.read(b, off, len); // no smaller than the small read: no need to gather
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Buffered bytes plus what the underlying stream reports. */
  @Override
  public int available() throws IOException {
    int ready = in.available();
    int buffered = lim - pos;
    return ready > Integer.MAX_VALUE - buffered ? Integer.MAX_VALUE : buffered + ready;
  }

  /**
   * Closes the underlying stream. The buffer is left to the garbage collector rather than pooled:
   * a reader on another thread may still be using it.
   */
  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Whether a pooled buffer is held (for tests). */
  boolean holdsBuffer() {
    return buf != null && buf != probe;
  }

  /**
   * Nothing is buffered: waits in a small read, which holds no pooled buffer. A small read that
   * comes back full takes a buffer for the rest of what has arrived. False at end of stream.
   */
  private boolean fill() throws IOException {
    pos = lim = 0;
    giveBack();
    int r;
    do {
      r = in.read(probe, 0, IDLE_READ);
    } while (r == 0);
    if (r < 0) {
      return false;
    }
    lim = r;
    if (r < IDLE_READ) {
      buf = probe; // a short message: served from the small array
      return true;
    }
    byte[] b = buf = pool.acquire();
    System.arraycopy(probe, 0, b, 0, r);
    int ready;
    try {
      ready = in.available();
    } catch (IOException e) {
      ready = 0; // the next read reports it
    }
    if (ready > 0) {
      int n = in.read(b, r, Math.min(ready, b.length - r));
      if (n > 0) {
        lim += n; // an end of stream here is seen by the next fill
      }
    }
    return true;
  }

  private void giveBack() {
    byte[] b = buf;
    buf = null;
    if (b != null && b != probe) {
      pool.release(b);
    }
  }
}
