package io.jlibp2p.core;

import java.io.IOException;

/**
 * The security handshake (Noise, TLS, plaintext) failed: a bad signature, a bad key, an unexpected
 * remote peer, or a broken handshake message. The connection is closed.
 */
public class SecurityHandshakeException extends IOException {
  public SecurityHandshakeException(String message) {
    super(message);
  }

  public SecurityHandshakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
