package io.jlibp2p.muxer.mplex.internal;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.multiformats.Varint;
import io.jlibp2p.muxer.internal.FrameInput;
import java.io.IOException;

/**
 * An mplex frame header (specs {@code mplex/README.md}): varint {@code streamId << 3 | flag}, then
 * varint payload length. Stateless codec.
 *
 * @param streamId at most {@link #MAX_STREAM_ID}
 * @param flag one of the flag constants, 0..6
 * @param length payload length
 */
public record MplexFrame(long streamId, int flag, int length) {
  public static final int NEW_STREAM = 0;
  public static final int MESSAGE_RECEIVER = 1;
  public static final int MESSAGE_INITIATOR = 2;
  public static final int CLOSE_RECEIVER = 3;
  public static final int CLOSE_INITIATOR = 4;
  public static final int RESET_RECEIVER = 5;
  public static final int RESET_INITIATOR = 6;

  /** Largest stream id: the header varint carries at most 63 bits. */
  public static final long MAX_STREAM_ID = (1L << 60) - 1;

  /** Longest encoded header: two varints. */
  public static final int MAX_HEADER_LENGTH = 2 * Varint.MAX_BYTES;

  public MplexFrame {
    if (streamId < 0 || streamId > MAX_STREAM_ID) {
      throw new IllegalArgumentException("mplex stream id: " + streamId + " (expected: 0.." + MAX_STREAM_ID + ")");
    }
    if (flag < NEW_STREAM || flag > RESET_INITIATOR) {
      throw new IllegalArgumentException("mplex flag: " + flag + " (expected: 0..6)");
    }
    if (length < 0) {
      throw new IllegalArgumentException("mplex length: " + length + " (expected: >= 0)");
    }
  }

  /** Writes the header at {@code off}; returns its length. */
  public static int write(byte[] dst, int off, long streamId, int flag, int length) {
    int n = Varint.write(streamId << 3 | flag, dst, off);
    return n + Varint.write(length, dst, off + n);
  }

  /** This header, encoded. */
  public byte[] encode() {
    byte[] b = new byte[MAX_HEADER_LENGTH];
    int n = write(b, 0, streamId, flag, length);
    return java.util.Arrays.copyOf(b, n);
  }

  /**
   * Reads a header; returns null on a clean end of stream before it. A length over {@code
   * maxMessageSize}, flag 7 or a malformed varint is a protocol violation.
   */
  public static MplexFrame read(FrameInput in, int maxMessageSize) throws IOException {
    long header = in.readVarint(true);
    if (header < 0) {
      return null;
    }
    long length = in.readVarint(false);
    int flag = (int) (header & 7);
    if (flag == 7) {
      throw new ProtocolViolationException("mplex: unknown flag 7 on stream " + (header >>> 3));
    }
    if (length > maxMessageSize) {
      throw new ProtocolViolationException("mplex: message of " + length + " bytes exceeds the limit of "
          + maxMessageSize + " (MplexConfig.maxMessageSize)");
    }
    return new MplexFrame(header >>> 3, flag, (int) length);
  }
}
