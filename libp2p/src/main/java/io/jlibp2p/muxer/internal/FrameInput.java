package io.jlibp2p.muxer.internal;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.multiformats.Varint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Buffered frame input for a muxer's reader thread: small fields (headers, varints) come from an
 * internal buffer; large payloads are read straight into the caller's array so that payload bytes
 * are copied once. Used by exactly one thread; not thread-safe.
 */
public final class FrameInput {
  private final InputStream in;
  private final byte[] buf;
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
    this.buf = new byte[bufferSize];
    this.deferred = deferred;
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

  /** The internal buffer; valid bytes are {@code [position(), limit())}. */
  public byte[] buffer() {
    return buf;
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

  /** Reads a big-endian 32-bit value from the buffer at {@code position() + at}. */
  public int intAt(int at) {
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
      Varint.Decoded d = Varint.decode(buf, pos, end);
      pos += d.length();
      return d.value();
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolationException("bad varint: " + e.getMessage(), e);
    }
  }
}
