package io.jlibp2p.crypto.internal;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.PublicKey;
import java.security.MessageDigest;

/** Common state of the private keys: the type, the canonical raw encoding and the public key. */
abstract class BasePrivateKey implements PrivateKey {
  private final KeyType type;
  private final byte[] raw;
  private final PublicKey publicKey;

  BasePrivateKey(KeyType type, byte[] raw, PublicKey publicKey) {
    this.type = type;
    this.raw = raw;
    this.publicKey = publicKey;
  }

  @Override
  public final KeyType type() {
    return type;
  }

  @Override
  public final PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public final byte[] marshal() {
    return KeyCodec.marshalPrivateKey(type, raw);
  }

  @Override
  public final boolean equals(Object o) {
    return o instanceof BasePrivateKey k && k.type == type && MessageDigest.isEqual(k.raw, raw);
  }

  @Override
  public final int hashCode() {
    return publicKey.hashCode();
  }

  /** Shows the type and the public key only, never key material. */
  @Override
  public final String toString() {
    return "PrivateKey[" + type + ", public " + publicKey + "]";
  }
}
