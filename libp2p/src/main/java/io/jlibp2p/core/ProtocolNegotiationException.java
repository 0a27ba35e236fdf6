package io.jlibp2p.core;

import java.io.IOException;

/** multistream-select found no protocol both sides support, or the negotiation itself failed. */
public class ProtocolNegotiationException extends IOException {
  public ProtocolNegotiationException(String message) {
    super(message);
  }
}
