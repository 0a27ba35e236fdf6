package io.jlibp2p.muxer.yamux.internal;

import io.jlibp2p.core.ProtocolViolationException;

/**
 * The yamux frame header (specs {@code yamux/README.md}): version (8 bits, always 0), type (8),
 * flags (16), stream id (32), length (32), big-endian, 12 bytes. Stateless.
 *
 * @param type one of {@link #DATA}, {@link #WINDOW_UPDATE}, {@link #PING}, {@link #GO_AWAY}
 * @param flags bit set of {@link #SYN}, {@link #ACK}, {@link #FIN}, {@link #RST} (other bits are
 *     carried but ignored)
 * @param streamId unsigned 32-bit stream id
 * @param length unsigned 32-bit: payload length, window delta, ping value or GoAway code
 */
public record YamuxFrame(int type, int flags, long streamId, long length) {
  public static final int HEADER_LENGTH = 12;
  public static final int VERSION = 0;

  public static final int DATA = 0;
  public static final int WINDOW_UPDATE = 1;
  public static final int PING = 2;
  public static final int GO_AWAY = 3;

  public static final int SYN = 1;
  public static final int ACK = 2;
  public static final int FIN = 4;
  public static final int RST = 8;

  public static final int GO_AWAY_NORMAL = 0;
  public static final int GO_AWAY_PROTOCOL_ERROR = 1;
  public static final int GO_AWAY_INTERNAL_ERROR = 2;

  public YamuxFrame {
    if (type < DATA || type > GO_AWAY) {
      throw new IllegalArgumentException("yamux frame type: " + type + " (expected: 0..3)");
    }
    if ((flags & ~0xffff) != 0) {
      throw new IllegalArgumentException("yamux flags: " + flags + " (expected: 16 bits)");
    }
    if ((streamId & ~0xffffffffL) != 0 || (length & ~0xffffffffL) != 0) {
      throw new IllegalArgumentException(
          "yamux stream id " + streamId + " / length " + length + " (expected: unsigned 32 bits)");
    }
  }

  /** Encodes this header into {@code dst} at {@code off}. */
  public void encode(byte[] dst, int off) {
    write(dst, off, type, flags, (int) streamId, (int) length);
  }

  /** Encodes a header without allocating. */
  public static void write(byte[] dst, int off, int type, int flags, int streamId, int length) {
    dst[off] = VERSION;
    dst[off + 1] = (byte) type;
    dst[off + 2] = (byte) (flags >>> 8);
    dst[off + 3] = (byte) flags;
    dst[off + 4] = (byte) (streamId >>> 24);
    dst[off + 5] = (byte) (streamId >>> 16);
    dst[off + 6] = (byte) (streamId >>> 8);
    dst[off + 7] = (byte) streamId;
    dst[off + 8] = (byte) (length >>> 24);
    dst[off + 9] = (byte) (length >>> 16);
    dst[off + 10] = (byte) (length >>> 8);
    dst[off + 11] = (byte) length;
  }

  /** A fresh 12-byte header. */
  public static byte[] header(int type, int flags, long streamId, long length) {
    byte[] b = new byte[HEADER_LENGTH];
    write(b, 0, type, flags, (int) streamId, (int) length);
    return b;
  }

  /** Decodes the 12 bytes at {@code off}; a bad version or unknown type is a protocol violation. */
  public static YamuxFrame decode(byte[] src, int off) throws ProtocolViolationException {
    int version = src[off] & 0xff;
    if (version != VERSION) {
      throw new ProtocolViolationException("yamux: unsupported version " + version + " (expected 0)");
    }
    int type = src[off + 1] & 0xff;
    if (type > GO_AWAY) {
      throw new ProtocolViolationException("yamux: unknown frame type " + type);
    }
    int flags = (src[off + 2] & 0xff) << 8 | src[off + 3] & 0xff;
    return new YamuxFrame(type, flags, u32(src, off + 4), u32(src, off + 8));
  }

  static long u32(byte[] b, int i) {
    return ((b[i] & 0xffL) << 24) | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | b[i + 3] & 0xff;
  }
}
