package io.jlibp2p.multiformats;

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
    throw new UnsupportedOperationException("TODO");
  }

  /** Encodes {@code value} (>= 0). */
  public static byte[] encode(long value) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Writes {@code value} at {@code off}; returns the number of bytes written. */
  public static int write(long value, byte[] buf, int off) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Decodes from {@code buf[off, limit)}. Throws {@link IllegalArgumentException} if truncated,
   * over {@value #MAX_BYTES} bytes, or not minimal.
   */
  public static Decoded decode(byte[] buf, int off, int limit) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Reads one varint; returns -1 if the stream ends cleanly before its first byte. Throws {@link
   * java.io.EOFException} if it ends inside the varint and {@link
   * io.jlibp2p.core.ProtocolViolationException} if it is too long or not minimal.
   */
  public static long readOrEof(InputStream in) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /** As {@link #readOrEof} but end of stream is an {@link java.io.EOFException}. */
  public static long read(InputStream in) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Reads a varint length prefix and checks it against {@code maxLength}; a larger value is a
   * {@link io.jlibp2p.core.ProtocolViolationException} naming both. Returns -1 on clean EOF.
   */
  public static int readLength(InputStream in, int maxLength) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }
}
