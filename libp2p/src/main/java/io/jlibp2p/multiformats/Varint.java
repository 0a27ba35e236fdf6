package io.jlibp2p.multiformats;

import io.jlibp2p.core.ProtocolViolationException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Unsigned varint (multiformats unsigned-varint): at most {@value #MAX_BYTES} bytes (63 bits),
 * minimal encoding enforced when decoding. Stateless and thread-safe.
 */
public final class Varint {
  /** Maximum encoded length in bytes. */
  public static final int MAX_BYTES = 9;

  private Varint() {}

  /** A decoded value and the number of bytes it took. */
  public record Decoded(long value, int length) {}

  /** Number of bytes {@code value} (>= 0) takes encoded. */
  public static int encodedLength(long value) {
    requireNonNegative(value);
    int n = 1;
    while ((value >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  /** Encodes {@code value} (>= 0). */
  public static byte[] encode(long value) {
    byte[] b = new byte[encodedLength(value)];
    write(value, b, 0);
    return b;
  }

  /** Writes {@code value} at {@code off}; returns the number of bytes written. */
  public static int write(long value, byte[] buf, int off) {
    requireNonNegative(value);
    int i = off;
    while ((value & ~0x7FL) != 0) {
      buf[i++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[i++] = (byte) value;
    return i - off;
  }

  /**
   * Decodes from {@code buf[off, limit)}. Throws {@link IllegalArgumentException} if truncated,
   * over {@value #MAX_BYTES} bytes, or not minimal.
   */
  public static Decoded decode(byte[] buf, int off, int limit) {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      if (off + i >= limit) {
        throw new IllegalArgumentException("varint truncated after " + i + " bytes");
      }
      int b = buf[off + i] & 0xFF;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new IllegalArgumentException("varint not minimally encoded");
        }
        return new Decoded(value, i + 1);
      }
    }
    throw new IllegalArgumentException("varint longer than " + MAX_BYTES + " bytes");
  }

  /**
   * Reads one varint; returns -1 if the stream ends cleanly before its first byte. Throws {@link
   * EOFException} if it ends inside the varint and {@link ProtocolViolationException} if it is too
   * long or not minimal.
   */
  public static long readOrEof(InputStream in) throws IOException {
    long value = 0;
    for (int i = 0; i < MAX_BYTES; i++) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return -1;
        }
        throw new EOFException("stream ended inside a varint after " + i + " bytes");
      }
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new ProtocolViolationException("varint not minimally encoded");
        }
        return value;
      }
    }
    throw new ProtocolViolationException("varint longer than " + MAX_BYTES + " bytes");
  }

  /** As {@link #readOrEof} but end of stream is an {@link EOFException}. */
  public static long read(InputStream in) throws IOException {
    long v = readOrEof(in);
    if (v < 0) {
      throw new EOFException("stream ended before a varint");
    }
    return v;
  }

  /**
   * Reads a varint length prefix and checks it against {@code maxLength}; a larger value is a
   * {@link ProtocolViolationException} naming both. Returns -1 on clean EOF.
   */
  public static int readLength(InputStream in, int maxLength) throws IOException {
    long v = readOrEof(in);
    if (v > maxLength) {
      throw new ProtocolViolationException(
          "length " + v + " over the limit of " + maxLength + " bytes");
    }
    return (int) v;
  }

  private static void requireNonNegative(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint value: " + value + " (expected: >= 0)");
    }
  }
}
