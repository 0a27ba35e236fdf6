package io.jlibp2p.negotiation.internal;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.multiformats.Varint;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The multistream-select message codec: a varint length (counting the newline), UTF-8 text, a
 * newline. Stateless and thread-safe.
 */
public final class MessageCodec {
  private MessageCodec() {}

  /** Encodes one message; {@code text} must not contain a newline. */
  public static byte[] encode(String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    int length = body.length + 1;
    byte[] out = new byte[Varint.encodedLength(length) + length];
    int pos = Varint.write(length, out, 0);
    System.arraycopy(body, 0, out, pos, body.length);
    out[out.length - 1] = '\n';
    return out;
  }

  /** Concatenates encoded messages into one array so that they leave in one write. */
  public static byte[] concat(byte[]... messages) {
    int total = 0;
    for (byte[] m : messages) {
      total += m.length;
    }
    byte[] out = new byte[total];
    int pos = 0;
    for (byte[] m : messages) {
      System.arraycopy(m, 0, out, pos, m.length);
      pos += m.length;
    }
    return out;
  }

  /**
   * Reads one message of at most {@code maxLength} bytes (newline included) and returns its text
   * without the newline. Reads exactly the message's bytes and nothing more.
   *
   * @throws EOFException if the stream ends before or inside the message
   * @throws ProtocolViolationException for a bad or oversized length, a missing newline or
   *     malformed UTF-8
   */
  public static String read(InputStream in, int maxLength) throws IOException {
    int length = Varint.readLength(in, maxLength);
    if (length < 0) {
      throw new EOFException("multistream-select: stream ended before a message");
    }
    if (length == 0) {
      throw new ProtocolViolationException(
          "multistream-select: empty message (expected: text ending in a newline)");
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new EOFException(
          "multistream-select: stream ended inside a message of "
              + length
              + " bytes after "
              + body.length);
    }
    if (body[length - 1] != '\n') {
      throw new ProtocolViolationException(
          "multistream-select: message of " + length + " bytes does not end in a newline");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body, 0, length - 1))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolViolationException("multistream-select: message is not valid UTF-8", e);
    }
  }
}
