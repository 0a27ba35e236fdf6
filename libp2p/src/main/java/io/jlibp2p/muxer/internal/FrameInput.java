package io.jlibp2p.muxer.internal;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.multiformats.Varint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Buffered frame input for a muxer's reader thread: small fields (headers, varints) come from an
 * internal buffer; large payloads are read straight into the caller's array so that payload bytes
 * are copied once. Used by exactly one thread; not thread-safe.
 *
 * <p>With a {@link BufferPool}, the buffer is taken from the pool while frames arrive and given
 * back whenever the reader has consumed everything and must wait for more: it then waits in a
 * read of at most {@value #IDLE_READ} bytes, so an idle connection holds no buffer.
 */
public final class FrameInput {
  /** Bytes a waiting reader asks for while its buffer is back in the pool. */
  static final int IDLE_READ = 64;

  private final InputStream in;
  private final BufferPool pool; // null: buf is fixed
  private byte[] buf; // null while given back to the pool
  private final byte[] probe; // where a reader without a buffer waits; null without a pool
  private int pos;
  private int lim;
  private final DeferredSignals deferred;

  public FrameInput(InputStream in, int bufferSize) {
    this(in, bufferSize, null);
  }

  /**
   * @param deferred wake-ups the reader holds back, flushed before a read that would block; null
   *     for none (every wake-up at once)
   */
  public FrameInput(InputStream in, int bufferSize, DeferredSignals deferred) {
    this.in = in;
    this.pool = null;
    this.buf = new byte[bufferSize];
    this.probe = null;
    this.deferred = deferred;
  }

  /**
   * A frame input whose buffer comes from {@code pool} (arrays of at least {@link #IDLE_READ}
   * bytes) and goes back to it while the reader waits.
   *
   * @param deferred as for {@link #FrameInput(InputStream, int, DeferredSignals)}
   */
  public FrameInput(InputStream in, BufferPool pool, DeferredSignals deferred) {
    if (pool.size() < IDLE_READ) {
      throw new IllegalArgumentException("pool buffers of " + pool.size() + " bytes (expected: >= " + IDLE_READ + ")");
    }
    this.in = in;
    this.pool = pool;
    this.probe = new byte[IDLE_READ];
    this.deferred = deferred;
  }

  /** The buffer, taken from the pool if it was given back. */
  private byte[] buf() {
    byte[] b = buf;
    if (b == null) {
      b = buf = pool.acquire();
    }
    return b;
  }

  /** Whether the buffer is held (for tests). */
  boolean holdsBuffer() {
    return buf != null;
  }

  /** The reader's held-back wake-ups, or null. */
  DeferredSignals deferred() {
    return deferred;
  }

  /** Before reading {@code in}: flushes held wake-ups if the read may block. */
  private void beforeRead() {
    if (deferred == null || deferred.isEmpty()) {
      return;
    }
    int ready;
    try {
      ready = in.available();
    } catch (IOException e) {
      ready = 0; // the read reports it
    }
    if (ready == 0) {
      deferred.flush();
    }
  }

  /** Flushes held wake-ups now (before a wait that does not read). */
  public void flushDeferred() {
    if (deferred != null) {
      deferred.flush();
    }
  }

  /**
   * The internal buffer; valid bytes are {@code [position(), limit())}. Valid until the next call
   * that reads (with a pool, the buffer may change there).
   */
  public byte[] buffer() {
    return buf();
  }

  public int position() {
    return pos;
  }

  public int available() {
    return lim - pos;
  }

  public void advance(int n) {
    pos += n;
  }

  /**
   * Ensures at least {@code n} (at most the buffer size) bytes are buffered. Returns false if the
   * stream ended cleanly before any of them; throws {@link EOFException} if it ended part way.
   */
  public boolean require(int n) throws IOException {
    if (lim - pos >= n) {
      return true;
    }
    boolean atStart = lim == pos;
    if (atStart && pool != null) {
      pos = lim = 0;
      if (!waitIdle()) {
        return false;
      }
      if (lim >= n) {
        return true;
      }
    }
    byte[] buf = buf();
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
    }
    while (lim < n) {
      beforeRead();
      int r = in.read(buf, lim, buf.length - lim);
      if (r < 0) {
        if (atStart && lim == 0) {
          return false;
        }
        throw new EOFException("connection ended inside a frame");
      }
      lim += r;
    }
    return true;
  }

  /**
   * Everything buffered was consumed: if the next read would block, gives the buffer back and
   * waits in a small read, then takes a buffer again. False at end of stream (nothing buffered).
   */
  private boolean waitIdle() throws IOException {
    int ready;
    try {
      ready = in.available();
    } catch (IOException e) {
      ready = 0; // the read reports it
    }
    if (ready > 0) {
      return true; // the ordinary read will not block: keep the buffer
    }
    flushDeferred();
    byte[] held = buf;
    if (held != null) {
      buf = null;
      pool.release(held);
    }
    int r = in.read(probe, 0, probe.length);
    if (r < 0) {
      return false;
    }
    byte[] b = buf();
    System.arraycopy(probe, 0, b, 0, r);
    lim = r;
    return true;
  }

  /** Reads a big-endian 32-bit value from the buffer at {@code position() + at}. */
  public int intAt(int at) {
    byte[] buf = buf();
    int i = pos + at;
    return (buf[i] & 0xff) << 24 | (buf[i + 1] & 0xff) << 16 | (buf[i + 2] & 0xff) << 8 | buf[i + 3] & 0xff;
  }

  /**
   * Reads between 1 and {@code len} payload bytes into {@code dst}: from the buffer if it holds
   * any, otherwise directly from the underlying stream. {@code dst[off + len, off + room)} may be
   * used as scratch space: bytes read past the payload there (the next frames) are moved into the
   * buffer, which saves a read per frame. Throws {@link EOFException} at end.
   */
  public int readSome(byte[] dst, int off, int len, int room) throws IOException {
    int avail = lim - pos;
    byte[] buf = buf();
    if (avail > 0) {
      int n = Math.min(avail, len);
      System.arraycopy(buf, pos, dst, off, n);
      pos += n;
      return n;
    }
    if (len < buf.length / 4) {
      // small remainder: refill the buffer so that the next headers come with it
      beforeRead();
      int r = in.read(buf, 0, buf.length);
      if (r < 0) {
        throw new EOFException("connection ended inside a frame");
      }
      pos = 0;
      lim = r;
      return readSome(dst, off, len, room);
    }
    beforeRead();
    int r = in.read(dst, off, Math.min(room, len + buf.length));
    if (r < 0) {
      throw new EOFException("connection ended inside a frame");
    }
    if (r > len) {
      pos = 0;
      lim = r - len;
      System.arraycopy(dst, off + len, buf, 0, lim);
      return len;
    }
    return r;
  }

  /**
   * How many bytes one {@link #readSome} call can deliver now without blocking: the buffered ones,
   * or else what the underlying stream reports available (for a decrypting stream, the plaintext
   * of a record or frame that was received whole). 0 when the next read might wait.
   */
  public int readableNow() throws IOException {
    int avail = lim - pos;
    return avail > 0 ? avail : in.available();
  }

  /** Discards {@code n} payload bytes. */
  public void skip(long n) throws IOException {
    while (n > 0) {
      if (lim == pos && !require(1)) {
        throw new EOFException("connection ended inside a frame");
      }
      int k = (int) Math.min(n, lim - pos);
      pos += k;
      n -= k;
    }
  }

  /**
   * Reads an unsigned varint. Returns -1 if the stream ended cleanly before its first byte when
   * {@code eofAllowed}; a truncated, overlong or non-minimal varint is a protocol violation.
   */
  public long readVarint(boolean eofAllowed) throws IOException {
    int scanned = 0;
    while (true) {
      byte[] buf = buf();
      for (int i = pos + scanned; i < lim; i++) {
        if ((buf[i] & 0x80) == 0) {
          return decode(i + 1);
        }
        if (i + 1 - pos >= Varint.MAX_BYTES) {
          return decode(i + 1);
        }
      }
      scanned = lim - pos;
      if (!require(scanned + 1)) {
        if (eofAllowed) {
          return -1;
        }
        throw new EOFException("connection ended before a varint");
      }
    }
  }

  private long decode(int end) throws ProtocolViolationException {
    try {
      Varint.Decoded d = Varint.decode(buf(), pos, end);
      pos += d.length();
      return d.value();
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolationException("bad varint: " + e.getMessage(), e);
    }
  }
}
