package io.jlibp2p.multiformats;

import java.util.Arrays;

/**
 * A content identifier, version 0 or 1 (multiformats/cid). Immutable.
 *
 * @param version 0 or 1
 * @param codec the content multicodec (0x70 dag-pb for v0; e.g. {@link #LIBP2P_KEY})
 * @param multihash the content's hash
 */
public record Cid(int version, long codec, Multihash multihash) {
  public static final long DAG_PB = 0x70;
  public static final long RAW = 0x55;
  public static final long LIBP2P_KEY = 0x72;

  /** Longest binary CID accepted when decoding. */
  public static final int MAX_LENGTH = Multihash.MAX_DIGEST_LENGTH + 32;

  public Cid {
    if (version == 0) {
      if (codec != DAG_PB || multihash.code() != Multihash.SHA2_256 || multihash.digest().length != 32) {
        throw new IllegalArgumentException("CIDv0 must be dag-pb with a 32-byte sha2-256 multihash");
      }
    } else if (version != 1) {
      throw new IllegalArgumentException("CID version: " + version + " (expected: 0 or 1)");
    }
    if (codec < 0) {
      throw new IllegalArgumentException("CID codec: " + codec + " (expected: >= 0)");
    }
  }

  /** Binary form (v0: the multihash; v1: version, codec, multihash). */
  public byte[] toBytes() {
    byte[] mh = multihash.toBytes();
    if (version == 0) {
      return mh;
    }
    byte[] out = new byte[1 + Varint.encodedLength(codec) + mh.length];
    out[0] = 1;
    int n = 1 + Varint.write(codec, out, 1);
    System.arraycopy(mh, 0, out, n, mh.length);
    return out;
  }

  /** Parses the binary form. */
  public static Cid decode(byte[] bytes) {
    if (bytes.length > MAX_LENGTH) {
      throw new IllegalArgumentException("CID of " + bytes.length + " bytes (expected: at most " + MAX_LENGTH + ")");
    }
    if (bytes.length == 34 && bytes[0] == 0x12 && bytes[1] == 0x20) {
      return new Cid(0, DAG_PB, Multihash.decode(bytes));
    }
    Varint.Decoded version = Varint.decode(bytes, 0, bytes.length);
    if (version.value() != 1) {
      throw new IllegalArgumentException("CID version: " + version.value() + " (expected: 1)");
    }
    Varint.Decoded codec = Varint.decode(bytes, version.length(), bytes.length);
    int off = version.length() + codec.length();
    return new Cid(1, codec.value(), Multihash.decode(Arrays.copyOfRange(bytes, off, bytes.length)));
  }

  /** Parses text: v0 (base58btc "Qm...") or v1 in any multibase. */
  public static Cid parse(String text) {
    if (text.length() == 46 && text.startsWith("Qm")) {
      return decode(Multibase.BASE58BTC.decodeRaw(text));
    }
    Cid c = decode(Multibase.decode(text));
    if (c.version != 1) {
      throw new IllegalArgumentException("CIDv0 must be base58btc without prefix: " + text);
    }
    return c;
  }

  /** v0: base58btc without prefix; v1: base32 lower case with prefix 'b'. */
  @Override
  public String toString() {
    return version == 0 ? Multibase.BASE58BTC.encodeRaw(toBytes()) : toString(Multibase.BASE32);
  }

  /** v1 text in the given base. */
  public String toString(Multibase base) {
    if (version == 0) {
      throw new IllegalStateException("CIDv0 has only the base58btc text form");
    }
    return base.encode(toBytes());
  }
}
