package io.jlibp2p.security.noise.internal;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 (RFC 7748) on raw 32-byte keys. Stateless and thread-safe. */
public final class X25519Keys {
  /** Length of private keys, public keys and shared secrets. */
  public static final int KEY_LENGTH = 32;

  private X25519Keys() {}

  /** A fresh private key. */
  public static byte[] generatePrivate(SecureRandom random) {
    byte[] k = new byte[KEY_LENGTH];
    X25519.generatePrivateKey(random, k);
    return k;
  }

  /** The public key of {@code privateKey}. */
  public static byte[] publicKey(byte[] privateKey) {
    byte[] pub = new byte[KEY_LENGTH];
    X25519.generatePublicKey(privateKey, 0, pub, 0);
    return pub;
  }

  /**
   * The shared secret of {@code privateKey} and {@code publicKey}.
   *
   * @throws IllegalArgumentException if the result is all zeros (a low-order public key)
   */
  public static byte[] agree(byte[] privateKey, byte[] publicKey) {
    byte[] out = new byte[KEY_LENGTH];
    if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0)) {
      throw new IllegalArgumentException("X25519: remote public key is of low order");
    }
    return out;
  }
}
