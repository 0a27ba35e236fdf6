package io.jlibp2p.multiformats;

/**
 * A content identifier, version 0 or 1. Immutable.
 *
 * @param version 0 or 1
 * @param codec the content multicodec (0x70 dag-pb for v0; e.g. {@link #LIBP2P_KEY})
 * @param multihash the content's hash
 */
public record Cid(int version, long codec, Multihash multihash) {
  public static final long DAG_PB = 0x70;
  public static final long RAW = 0x55;
  public static final long LIBP2P_KEY = 0x72;

  /** Binary form (v0: the multihash; v1: version, codec, multihash). */
  public byte[] toBytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parses the binary form. */
  public static Cid decode(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parses text: v0 (base58btc "Qm...") or v1 in any multibase. */
  public static Cid parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** v0: base58btc without prefix; v1: base32 lower case with prefix 'b'. */
  @Override
  public String toString() {
    throw new UnsupportedOperationException("TODO");
  }

  /** v1 text in the given base. */
  public String toString(Multibase base) {
    throw new UnsupportedOperationException("TODO");
  }
}
