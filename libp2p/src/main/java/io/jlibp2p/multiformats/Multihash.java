package io.jlibp2p.multiformats;

/**
 * A self-describing hash: a multicodec hash function code and a digest. Immutable.
 *
 * @param code the hash function's multicodec code (e.g. {@link #SHA2_256})
 * @param digest the digest bytes (copied; never mutated)
 */
public record Multihash(int code, byte[] digest) {
  public static final int IDENTITY = 0x00;
  public static final int SHA2_256 = 0x12;
  public static final int SHA2_512 = 0x13;
  /** Longest digest accepted when decoding. */
  public static final int MAX_DIGEST_LENGTH = 1024;

  /** Hashes {@code data} with the function {@code code} (identity, sha1, sha2-*, sha3-*, ...). */
  public static Multihash digest(int code, byte[] data) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The binary form: varint code, varint length, digest. */
  public byte[] toBytes() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parses the binary form; the whole array must be consumed. */
  public static Multihash decode(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }
}
