package io.jlibp2p.security.noise.internal;

import java.io.IOException;

/** A Noise cipher state used all 2^64-1 nonces; the connection must end. */
public final class NonceExhaustedException extends IOException {
  public NonceExhaustedException() {
    super("Noise: nonce counter exhausted (2^64-1 messages); the connection must be closed");
  }
}
