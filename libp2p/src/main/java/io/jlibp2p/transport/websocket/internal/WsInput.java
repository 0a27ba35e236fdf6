package io.jlibp2p.transport.websocket.internal;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.internal.BufferPool;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The receiving side of a WebSocket: the payloads of its binary frames (and their continuation
 * frames) as one byte stream. Control frames are handled on the way: a ping is answered with a
 * pong, a pong is ignored, a close frame ends the stream ({@code read} returns -1).
 *
 * <p>Every frame is checked before anything is read into memory: reserved bits, known opcode,
 * masking as the side requires (client frames masked, server frames not), the payload length
 * against {@code maxFramePayload}, control frames unfragmented and at most 125 bytes, continuation
 * only inside a fragmented message. A text frame is refused (libp2p sends bytes). A violation
 * sends a close frame with the matching status, closes the connection and throws a {@link
 * ProtocolViolationException}; later reads throw it again.
 *
 * <p>Payloads are not buffered whole: a data frame of any accepted size streams through a read
 * buffer, or straight into the caller's array for large reads of large frames (see {@link
 * #directRead()}). With a {@link BufferPool}, the buffer is given back whenever everything was
 * consumed at a frame boundary, and the next frame is waited for in a read of {@value #IDLE_READ}
 * bytes, so an idle connection holds none. One reading thread.
 */
public final class WsInput extends InputStream {
  /** The smallest read buffer: a whole control frame fits. */
  public static final int MIN_BUFFER_SIZE = 256;

  /** Bytes a reader waiting for the next frame asks for while its buffer is back in the pool. */
  static final int IDLE_READ = 64;

  private final InputStream source;
  private final boolean expectMasked;
  private final long maxFramePayload;
  private final Peer peer;

  /** Null for a fixed buffer. */
  private final BufferPool pool;
  private final int bufferSize;
  /** Buffered bytes: {@code buf[pos, lim)}; null while given back to the pool. */
  private byte[] buf;
  private final byte[] probe;
  private int pos;
  private int lim;

  /** Payload bytes left in the current data frame. */
  private long remaining;
  private boolean frameMasked;
  private int maskKey;
  private long framePosition;
  /** A fragmented data message is in progress (its last frame had FIN clear). */
  private boolean inMessage;
  private boolean eof;
  private IOException failure;
  private final byte[] controlPayload = new byte[WsFrames.MAX_CONTROL_PAYLOAD];
  private final byte[] one = new byte[1];

  /** What the input needs from its connection. */
  public interface Peer {
    /** A ping arrived: answer it with a pong carrying the same payload. */
    void onPing(byte[] payload, int len) throws IOException;

    /** The remote sent a close frame with {@code code} (-1 if none was given). */
    void onClose(int code);

    /** A violation: send a close frame with {@code closeCode} and close the connection. */
    void onViolation(int closeCode, String message);
  }

  /**
   * @param source the socket's input
   * @param expectMasked true on the server side (client frames are masked)
   * @param maxFramePayload the largest frame payload accepted
   * @param bufferSize the read buffer; also the bound of an HTTP head read through {@link
   *     #readHttpHead}
   * @param peer callbacks into the connection
   */
  public WsInput(
      InputStream source, boolean expectMasked, long maxFramePayload, int bufferSize, Peer peer) {
    this(source, expectMasked, maxFramePayload, peer, null, new byte[Math.max(bufferSize, MIN_BUFFER_SIZE)]);
  }

  /**
   * An input whose read buffer comes from {@code buffers} (arrays of at least {@link
   * #MIN_BUFFER_SIZE} bytes) and goes back to it between frames while the connection waits.
   */
  public WsInput(
      InputStream source, boolean expectMasked, long maxFramePayload, BufferPool buffers, Peer peer) {
    this(source, expectMasked, maxFramePayload, peer, checked(buffers), null);
  }

  private WsInput(
      InputStream source, boolean expectMasked, long maxFramePayload, Peer peer, BufferPool pool, byte[] fixed) {
    this.source = Objects.requireNonNull(source, "source");
    this.expectMasked = expectMasked;
    this.maxFramePayload = maxFramePayload;
    this.peer = Objects.requireNonNull(peer, "peer");
    this.pool = pool;
    this.buf = fixed;
    this.bufferSize = pool == null ? fixed.length : pool.size();
    this.probe = pool == null ? null : new byte[IDLE_READ];
  }

  private static BufferPool checked(BufferPool buffers) {
    if (buffers.size() < MIN_BUFFER_SIZE) {
      throw new IllegalArgumentException("read buffers of " + buffers.size() + " bytes (expected: >= " + MIN_BUFFER_SIZE + ")");
    }
    return buffers;
  }

  /** The read buffer, taken from the pool if it was given back. */
  private byte[] buf() {
    byte[] b = buf;
    if (b == null) {
      b = buf = pool.acquire();
    }
    return b;
  }

  /** Whether the read buffer is held (for tests). */
  boolean holdsBuffer() {
    return buf != null;
  }

  @Override
  public int read() throws IOException {
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    while (remaining == 0) {
      if (eof) {
        return -1;
      }
      nextDataFrame();
    }
    int want = (int) Math.min(len, remaining);
    int n;
    // straight into the caller's array: a large read of a large frame, the frame's last bytes too
    if (pos == lim && Math.min(len, framePosition + remaining) >= directRead()) {
      n = source.read(b, off, want);
      if (n < 0) {
        throw truncated("payload");
      }
      if (frameMasked) {
        WsFrames.mask(b, off, n, maskKey, framePosition);
      }
    } else {
      if (pos == lim) {
        fill();
      }
      byte[] buf = this.buf;
      n = Math.min(want, lim - pos);
      if (frameMasked) {
        WsFrames.maskCopy(buf, pos, b, off, n, maskKey, framePosition); // unmasks as it copies
      } else {
        System.arraycopy(buf, pos, b, off, n);
      }
      pos += n;
    }
    framePosition += n;
    remaining -= n;
    return n;
  }

  /**
   * When nothing is buffered, a read asking for this much or more of a frame at least this long
   * takes the payload straight from the socket into the caller's array, up to the frame's end: half
   * the buffer. A Noise frame over WebSocket is a read of up to 64 KiB that often asks for a little
   * less than the buffer (64 KiB) holds, or for more than is left of a WebSocket frame of 256 KiB;
   * shorter frames arriving back to back are still read several at a time into the buffer.
   */
  int directRead() {
    return bufferSize / 2;
  }

  /**
   * Payload bytes of the current data frame that can be read without blocking: those buffered
   * here, and those already received by the socket up to the frame's end (bytes beyond it may be
   * a header, so they are not counted). A layer above (Noise) asks this to learn whether a whole
   * frame of its own can be read at once.
   */
  @Override
  public int available() throws IOException {
    if (failure != null) {
      return 0;
    }
    int buffered = (int) Math.min(remaining, lim - pos);
    if (buffered == remaining) {
      return buffered;
    }
    return (int) Math.min(remaining, (long) buffered + source.available());
  }

  /** Reads frame headers (handling control frames) until a data frame with payload or the end. */
  private void nextDataFrame() throws IOException {
    try {
      while (true) {
        if (!ensure(2, true)) {
          eof = true; // the connection ended cleanly between frames
          return;
        }
        int b0 = buf[pos] & 0xFF;
        int b1 = buf[pos + 1] & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        if ((b0 & 0x70) != 0) {
          throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "reserved bits set in a frame header (no extension was negotiated)");
        }
        switch (opcode) {
          case WsFrames.OP_CONTINUATION, WsFrames.OP_BINARY, WsFrames.OP_CLOSE, WsFrames.OP_PING,
              WsFrames.OP_PONG -> { }
          case WsFrames.OP_TEXT -> throw violation(WsFrames.CLOSE_UNSUPPORTED_DATA, "text frame (libp2p sends only binary frames)");
          default -> throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
        }
        if (masked != expectMasked) {
          throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, expectMasked
              ? "unmasked frame from a client (clients must mask)"
              : "masked frame from a server (servers must not mask)");
        }
        int headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        ensure(headerLength, false);
        long length;
        int p = pos + 2;
        if (len7 == 126) {
          length = ((buf[p] & 0xFF) << 8) | (buf[p + 1] & 0xFF);
          p += 2;
        } else if (len7 == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = (length << 8) | (buf[p + i] & 0xFF);
          }
          p += 8;
          if (length < 0) {
            throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "frame length with the most significant bit set");
          }
        } else {
          length = len7;
        }
        int key = 0;
        if (masked) {
          key = ((buf[p] & 0xFF) << 24) | ((buf[p + 1] & 0xFF) << 16) | ((buf[p + 2] & 0xFF) << 8) | (buf[p + 3] & 0xFF);
        }
        if (WsFrames.isControl(opcode)) {
          if (!fin) {
            throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "fragmented control frame (opcode 0x" + Integer.toHexString(opcode) + ")");
          }
          if (length > WsFrames.MAX_CONTROL_PAYLOAD) {
            throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "control frame payload of " + length + " bytes (limit " + WsFrames.MAX_CONTROL_PAYLOAD + ")");
          }
          pos += headerLength;
          int n = (int) length;
          ensure(n, false);
          System.arraycopy(buf, pos, controlPayload, 0, n);
          pos += n;
          if (masked) {
            WsFrames.mask(controlPayload, 0, n, key, 0);
          }
          if (opcode == WsFrames.OP_PING) {
            peer.onPing(controlPayload, n);
          } else if (opcode == WsFrames.OP_CLOSE) {
            if (n == 1) {
              throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "close frame with a 1-byte payload");
            }
            int code = n >= 2 ? ((controlPayload[0] & 0xFF) << 8) | (controlPayload[1] & 0xFF) : -1;
            if (n >= 2 && !validCloseCode(code)) {
              throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "invalid close status " + code);
            }
            eof = true;
            peer.onClose(code);
            return;
          }
          continue; // pong: ignored
        }
        if (length > maxFramePayload) {
          throw violation(WsFrames.CLOSE_TOO_BIG, "frame payload of " + length + " bytes (limit " + maxFramePayload + ")");
        }
        if (opcode == WsFrames.OP_CONTINUATION && !inMessage) {
          throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "continuation frame outside a fragmented message");
        }
        if (opcode == WsFrames.OP_BINARY && inMessage) {
          throw violation(WsFrames.CLOSE_PROTOCOL_ERROR, "new data frame inside a fragmented message");
        }
        inMessage = !fin;
        pos += headerLength;
        frameMasked = masked;
        maskKey = key;
        framePosition = 0;
        remaining = length;
        if (length > 0) {
          return;
        }
      }
    } catch (ProtocolViolationException e) {
      throw e;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  private static boolean validCloseCode(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  }

  private ProtocolViolationException violation(int closeCode, String message) {
    ProtocolViolationException e = new ProtocolViolationException("WebSocket: " + message);
    failure = e;
    peer.onViolation(closeCode, message);
    return e;
  }

  private IOException truncated(String what) {
    IOException e = new EOFException("WebSocket: connection closed in the middle of a " + what);
    failure = e;
    return e;
  }

  /**
   * Makes {@code n <= buf.length} bytes available at {@code pos}. Returns false at a clean end of
   * stream (nothing of the frame read yet, and {@code cleanEndAllowed}); throws on a truncated one.
   */
  private boolean ensure(int n, boolean cleanEndAllowed) throws IOException {
    if (cleanEndAllowed && pos == lim && pool != null) {
      // at a frame boundary with nothing buffered: wait without the buffer
      pos = lim = 0;
      byte[] b = buf;
      buf = null;
      if (b != null) {
        pool.release(b);
      }
      int r = source.read(probe, 0, IDLE_READ);
      if (r < 0) {
        return false;
      }
      System.arraycopy(probe, 0, buf(), 0, r);
      lim = r;
    }
    while (lim - pos < n) {
      byte[] buf = buf();
      if (pos > 0 && buf.length - pos < n) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      }
      int r = source.read(buf, lim, buf.length - lim);
      if (r < 0) {
        if (cleanEndAllowed && lim == pos) {
          return false;
        }
        throw truncated("frame");
      }
      lim += r;
    }
    return true;
  }

  private void fill() throws IOException {
    if (pos == lim) {
      pos = 0;
      lim = 0;
    }
    byte[] buf = buf();
    int r = source.read(buf, lim, buf.length - lim);
    if (r < 0) {
      throw truncated("payload");
    }
    lim += r;
  }

  /**
   * Reads an HTTP/1.1 head (request or status line and headers, up to and including the blank
   * line) of at most {@code maxBytes} bytes; bytes after it stay buffered for the frames. {@code
   * beforeRead} runs before each blocking read (to apply a deadline).
   *
   * @throws ProtocolViolationException if the head is longer than {@code maxBytes}
   * @throws EOFException if the connection ends first
   */
  public String readHttpHead(int maxBytes, WsOutput.IoAction beforeRead) throws IOException {
    byte[] buf = buf();
    int max = Math.min(maxBytes, buf.length);
    int scanned = pos;
    while (true) {
      int end = Math.min(lim, pos + max); // the blank line must end within the first max bytes
      for (int i = Math.max(scanned, pos + 3); i < end; i++) {
        if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
          String head = new String(buf, pos, i + 1 - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          return head;
        }
      }
      scanned = lim;
      if (lim - pos >= max) {
        throw new ProtocolViolationException("WebSocket handshake: HTTP head longer than " + max + " bytes");
      }
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        scanned -= pos;
        lim -= pos;
        pos = 0;
      }
      beforeRead.run();
      int r = source.read(buf, lim, Math.min(buf.length, max + 1) - lim);
      if (r < 0) {
        throw new EOFException("WebSocket handshake: connection closed after " + (lim - pos) + " bytes of the HTTP head");
      }
      lim += r;
    }
  }
}
