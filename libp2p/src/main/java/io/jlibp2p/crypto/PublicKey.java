package io.jlibp2p.crypto;

import io.jlibp2p.crypto.internal.KeyCodec;

/**
 * A libp2p public key (specs {@code peer-ids/peer-ids.md}). Immutable and thread-safe; no call
 * blocks. Equality is by type and {@link #raw()} bytes.
 *
 * {@snippet :
 * PublicKey key = PublicKey.unmarshal(bytesFromTheWire);   // IllegalArgumentException if bad
 * if (key.verify(message, signature)) { ... }
 * PeerId id = PeerId.fromPublicKey(key);
 * }
 */
public interface PublicKey {
  /** Longest protobuf {@code PublicKey} encoding {@link #unmarshal} accepts. */
  int MAX_ENCODED_LENGTH = 4096;
  /** Smallest RSA modulus accepted, in bits (as go-libp2p and js-libp2p). */
  int RSA_MIN_BITS = 2048;
  /** Largest RSA modulus accepted, in bits (as go-libp2p). */
  int RSA_MAX_BITS = 8192;
  /** Longest RSA public exponent accepted, in bits: at most 2^31 - 1, as go-libp2p. */
  int RSA_MAX_EXPONENT_BITS = 31;

  KeyType type();

  /** The key's own encoding (the protobuf {@code Data} field); a fresh copy. */
  byte[] raw();

  /** The libp2p protobuf {@code PublicKey} encoding (deterministic). */
  byte[] marshal();

  /** Whether {@code signature} is a valid signature of {@code data} by this key; never throws on bad input. */
  boolean verify(byte[] data, byte[] signature);

  /**
   * Parses the protobuf encoding; bad input (oversized, malformed, unknown type, a key of the wrong
   * length or not on its curve, RSA outside {@value #RSA_MIN_BITS}..{@value #RSA_MAX_BITS} bits
   * or with a public exponent over {@value #RSA_MAX_EXPONENT_BITS} bits) is an
   * IllegalArgumentException.
   */
  static PublicKey unmarshal(byte[] bytes) {
    return KeyCodec.unmarshalPublicKey(bytes);
  }

  /** Parses a key's own encoding (the protobuf {@code Data} field) of type {@code type}. */
  static PublicKey fromRaw(KeyType type, byte[] raw) {
    return KeyCodec.publicKeyFromRaw(type, raw);
  }
}
