package io.jlibp2p.crypto;

import io.jlibp2p.crypto.internal.KeyCodec;
import java.security.SecureRandom;

/**
 * A libp2p private key (specs {@code peer-ids/peer-ids.md}). Immutable and thread-safe; signing is
 * CPU-bound and never blocks on I/O. Equality is by type and encoding. {@link #toString()} never
 * shows key material.
 *
 * {@snippet :
 * PrivateKey key = PrivateKey.generate(KeyType.ED25519);
 * byte[] sig = key.sign(message);
 * boolean ok = key.publicKey().verify(message, sig);
 * PeerId id = PeerId.fromPublicKey(key.publicKey());
 * }
 */
public interface PrivateKey {
  /** Longest protobuf {@code PrivateKey} encoding {@link #unmarshal} accepts. */
  int MAX_ENCODED_LENGTH = 16 * 1024;
  /** RSA modulus size, in bits, of {@link #generate} keys. */
  int RSA_DEFAULT_BITS = 2048;

  KeyType type();

  PublicKey publicKey();

  /**
   * Signs {@code data} (Ed25519; ECDSA and secp256k1 over SHA-256, deterministic per RFC 6979, DER,
   * low S; RSA PKCS#1 v1.5 SHA-256).
   */
  byte[] sign(byte[] data);

  /** The libp2p protobuf {@code PrivateKey} encoding: the key-file format of p2pd and js-libp2p. */
  byte[] marshal();

  /**
   * Parses the protobuf encoding; bad input (oversized, malformed, unknown type, a bad key) is an
   * IllegalArgumentException. Ed25519 accepts the 64-byte form and the legacy 96-byte form.
   */
  static PrivateKey unmarshal(byte[] bytes) {
    return KeyCodec.unmarshalPrivateKey(bytes);
  }

  /** A fresh key of {@code type} (RSA: {@value #RSA_DEFAULT_BITS} bits) from a strong random source. */
  static PrivateKey generate(KeyType type) {
    return KeyCodec.generate(type, new SecureRandom());
  }

  /** A fresh key of {@code type} (RSA: {@value #RSA_DEFAULT_BITS} bits) drawn from {@code random}. */
  static PrivateKey generate(KeyType type, SecureRandom random) {
    return KeyCodec.generate(type, random);
  }
}
