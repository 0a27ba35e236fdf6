package io.jlibp2p.security.noise.internal;

import io.jlibp2p.core.SecurityHandshakeException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The noise-libp2p wire format: a 2-byte big-endian length, then that many bytes. */
public final class NoiseFrames {
  /** Bytes of the length prefix. */
  public static final int LENGTH_PREFIX = 2;

  /** Largest frame (Noise message), including the 16-byte tag of transport messages. */
  public static final int MAX_FRAME_LENGTH = 65535;

  /** Largest plaintext carried by one transport frame. */
  public static final int MAX_PLAINTEXT_LENGTH = MAX_FRAME_LENGTH - CipherState.TAG_LENGTH;

  private NoiseFrames() {}

  /** Writes one handshake frame and flushes. */
  public static void writeHandshakeFrame(OutputStream out, byte[] message) throws IOException {
    if (message.length > MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException(
          "Noise handshake message of " + message.length + " bytes (expected: at most 65535)");
    }
    byte[] frame = new byte[LENGTH_PREFIX + message.length];
    frame[0] = (byte) (message.length >>> 8);
    frame[1] = (byte) message.length;
    System.arraycopy(message, 0, frame, LENGTH_PREFIX, message.length);
    out.write(frame);
    out.flush();
  }

  /**
   * Reads exactly one handshake frame (no read-ahead, so transport data that follows stays in
   * {@code in}).
   */
  public static byte[] readHandshakeFrame(InputStream in, int messageNumber) throws IOException {
    int hi = in.read();
    int lo = hi < 0 ? -1 : in.read();
    if (lo < 0) {
      throw new SecurityHandshakeException(
          "Noise handshake: connection closed while waiting for message " + messageNumber,
          new EOFException());
    }
    int length = (hi << 8) | lo;
    byte[] message = in.readNBytes(length);
    if (message.length < length) {
      throw new SecurityHandshakeException(
          "Noise handshake: connection closed inside message "
              + messageNumber
              + " after "
              + message.length
              + " of "
              + length
              + " bytes",
          new EOFException());
    }
    return message;
  }
}
