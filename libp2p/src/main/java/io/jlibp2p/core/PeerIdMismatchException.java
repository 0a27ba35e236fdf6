package io.jlibp2p.core;

/** The remote peer authenticated as a different peer than the one we dialed. */
public class PeerIdMismatchException extends SecurityHandshakeException {
  public PeerIdMismatchException(String message) {
    super(message);
  }
}
