package io.jlibp2p.negotiation.internal;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolNegotiationException;
import io.jlibp2p.core.ProtocolViolationException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps the input of a stream on which a single protocol was proposed optimistically: the first
 * read (or {@code available}/{@code skip}) consumes and checks the responder's header and answer,
 * then every call delegates straight to the wrapped stream. If that fails (an {@code na}, a
 * malformed answer, or an {@link java.io.EOFException} where the stream ends first), the call and
 * every later one throw the same exception. For one reading thread.
 */
public final class LazyNegotiationInputStream extends InputStream {
  private final InputStream in;
  private final ProtocolId protocol;
  private final String header;
  private final int maxMessageLength;
  private boolean negotiated;
  private IOException failure;

  public LazyNegotiationInputStream(
      InputStream in, ProtocolId protocol, String header, int maxMessageLength) {
    this.in = in;
    this.protocol = protocol;
    this.header = header;
    this.maxMessageLength = maxMessageLength;
  }

  private void negotiate() throws IOException {
    if (negotiated) {
      return;
    }
    if (failure != null) {
      throw failure;
    }
    try {
      String remoteHeader = MessageCodec.read(in, maxMessageLength);
      if (!remoteHeader.equals(header)) {
        throw new ProtocolViolationException(
            "multistream-select: bad header '" + remoteHeader + "' (expected: '" + header + "')");
      }
      String answer = MessageCodec.read(in, maxMessageLength);
      if (answer.equals("na")) {
        throw new ProtocolNegotiationException(
            "multistream-select: remote does not support " + protocol);
      }
      if (!answer.equals(protocol.value())) {
        throw new ProtocolViolationException(
            "multistream-select: unexpected answer '"
                + answer
                + "' (expected: '"
                + protocol
                + "' or 'na')");
      }
      negotiated = true;
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** Whether the responder's answer has been read and accepted. */
  public boolean isNegotiated() {
    return negotiated;
  }

  @Override
  public int read() throws IOException {
    negotiate();
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    negotiate();
    return in.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    negotiate();
    return in.skip(n);
  }

  @Override
  public int available() throws IOException {
    negotiate();
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
