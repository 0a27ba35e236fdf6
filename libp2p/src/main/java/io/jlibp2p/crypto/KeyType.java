package io.jlibp2p.crypto;

/**
 * The key types of the libp2p key protobuf ({@code KeyType} enum in specs peer-ids). Ed25519 is the
 * default and the only type every implementation must support.
 */
public enum KeyType {
  RSA(0),
  ED25519(1),
  SECP256K1(2),
  /** ECDSA on NIST P-256. */
  ECDSA(3);

  private final int number;

  KeyType(int number) {
    this.number = number;
  }

  /** The protobuf enum number. */
  public int number() {
    return number;
  }

  /** The key type with protobuf enum number {@code number}; an unknown number is an IllegalArgumentException. */
  public static KeyType fromNumber(int number) {
    for (KeyType t : values()) {
      if (t.number == number) {
        return t;
      }
    }
    throw new IllegalArgumentException("key type: " + number + " (expected: 0 to 3)");
  }
}
