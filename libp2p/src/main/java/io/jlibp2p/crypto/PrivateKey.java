package io.jlibp2p.crypto;

/** A libp2p private key. Immutable and thread-safe. */
public interface PrivateKey {
  KeyType type();

  PublicKey publicKey();

  /** Signs {@code data} (Ed25519; ECDSA and secp256k1 over SHA-256, DER; RSA PKCS#1 v1.5 SHA-256). */
  byte[] sign(byte[] data);

  /** The libp2p protobuf {@code PrivateKey} encoding: the key-file format of p2pd and js-libp2p. */
  byte[] marshal();

  /** Parses the protobuf encoding. */
  static PrivateKey unmarshal(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }

  /** A fresh key of {@code type} (RSA: 2048 bits). */
  static PrivateKey generate(KeyType type) {
    throw new UnsupportedOperationException("TODO");
  }
}
