package io.jlibp2p.crypto;

/**
 * A peer identity: the multihash of the peer's public key (identity multihash when the encoded key
 * is at most 42 bytes, else sha2-256). Immutable; equality by bytes.
 */
public final class PeerId {
  /** The peer id of {@code key}. */
  public static PeerId fromPublicKey(PublicKey key) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parses the binary form (a multihash). */
  public static PeerId fromBytes(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parses base58btc ("12D3KooW...", "Qm...") or a CIDv1 with codec libp2p-key. */
  public static PeerId parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The binary form (a multihash). */
  public byte[] toBytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** The public key when it is inlined (identity multihash). */
  public java.util.Optional<PublicKey> extractPublicKey() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Whether {@code key} hashes to this id. */
  public boolean matches(PublicKey key) {
    throw new UnsupportedOperationException("TODO");
  }

  /** CIDv1 (libp2p-key) text, base32. */
  public String toCid() {
    throw new UnsupportedOperationException("TODO");
  }

  /** base58btc. */
  @Override
  public String toString() {
    throw new UnsupportedOperationException("TODO");
  }
}
