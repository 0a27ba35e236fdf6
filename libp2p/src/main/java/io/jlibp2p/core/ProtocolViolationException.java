package io.jlibp2p.core;

import java.io.IOException;

/**
 * The remote peer sent bytes that break the wire protocol: a malformed or oversized frame, a bad
 * length, an unknown type. The stream or connection it arrived on is reset.
 */
public class ProtocolViolationException extends IOException {
  public ProtocolViolationException(String message) {
    super(message);
  }

  public ProtocolViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
