package io.jlibp2p.crypto;

/** The key types of the libp2p key protobuf ({@code KeyType} enum in specs peer-ids). */
public enum KeyType {
  RSA(0),
  ED25519(1),
  SECP256K1(2),
  ECDSA(3);

  private final int number;

  KeyType(int number) {
    this.number = number;
  }

  /** The protobuf enum number. */
  public int number() {
    return number;
  }
}
