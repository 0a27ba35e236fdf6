package io.jlibp2p.crypto;

/** A libp2p public key. Immutable and thread-safe. */
public interface PublicKey {
  KeyType type();

  /** The key's own encoding (the protobuf {@code Data} field). */
  byte[] raw();

  /** The libp2p protobuf {@code PublicKey} encoding (deterministic). */
  byte[] marshal();

  /** Whether {@code signature} is a valid signature of {@code data} by this key; never throws on bad input. */
  boolean verify(byte[] data, byte[] signature);

  /** Parses the protobuf encoding; bad input is an IllegalArgumentException. */
  static PublicKey unmarshal(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }
}
