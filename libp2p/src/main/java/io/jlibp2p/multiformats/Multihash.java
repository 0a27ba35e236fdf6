package io.jlibp2p.multiformats;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A self-describing hash: a multicodec hash function code and a digest. Immutable; equality by
 * value.
 *
 * @param code the hash function's multicodec code (e.g. {@link #SHA2_256})
 * @param digest the digest bytes (copied; never mutated)
 */
public record Multihash(int code, byte[] digest) {
  public static final int IDENTITY = 0x00;
  public static final int SHA1 = 0x11;
  public static final int SHA2_256 = 0x12;
  public static final int SHA2_512 = 0x13;
  public static final int SHA3_512 = 0x14;
  public static final int SHA3_384 = 0x15;
  public static final int SHA3_256 = 0x16;
  public static final int SHA3_224 = 0x17;
  public static final int SHA2_384 = 0x20;
  public static final int SHA2_224 = 0x1013;
  public static final int SHA2_512_224 = 0x1014;
  public static final int SHA2_512_256 = 0x1015;

  /** Longest digest accepted when decoding. */
  public static final int MAX_DIGEST_LENGTH = 1024;

  /** Largest hash function code accepted when decoding. */
  public static final long MAX_CODE = Integer.MAX_VALUE;

  private static final Map<Integer, String> ALGORITHMS =
      Map.ofEntries(
          Map.entry(SHA1, "SHA-1"),
          Map.entry(SHA2_256, "SHA-256"),
          Map.entry(SHA2_512, "SHA-512"),
          Map.entry(SHA2_384, "SHA-384"),
          Map.entry(SHA2_224, "SHA-224"),
          Map.entry(SHA2_512_224, "SHA-512/224"),
          Map.entry(SHA2_512_256, "SHA-512/256"),
          Map.entry(SHA3_224, "SHA3-224"),
          Map.entry(SHA3_256, "SHA3-256"),
          Map.entry(SHA3_384, "SHA3-384"),
          Map.entry(SHA3_512, "SHA3-512"));

  public Multihash {
    if (code < 0) {
      throw new IllegalArgumentException("multihash code: " + code + " (expected: >= 0)");
    }
    if (digest.length > MAX_DIGEST_LENGTH) {
      throw new IllegalArgumentException(
          "digest of " + digest.length + " bytes (expected: at most " + MAX_DIGEST_LENGTH + ")");
    }
    digest = digest.clone();
  }

  /** Whether {@link #digest(int, byte[])} supports the hash function {@code code}. */
  public static boolean isSupported(int code) {
    return code == IDENTITY || ALGORITHMS.containsKey(code);
  }

  /** Hashes {@code data} with the function {@code code} (identity, sha1, sha2-*, sha3-*). */
  public static Multihash digest(int code, byte[] data) {
    if (code == IDENTITY) {
      return new Multihash(IDENTITY, data);
    }
    String alg = ALGORITHMS.get(code);
    if (alg == null) {
      throw new IllegalArgumentException("hash function 0x" + Integer.toHexString(code) + " (unsupported)");
    }
    try {
      return new Multihash(code, MessageDigest.getInstance(alg).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(alg + " missing from this JDK", e);
    }
  }

  /** The digest (a copy). */
  @Override
  public byte[] digest() {
    return digest.clone();
  }

  /** The binary form: varint code, varint length, digest. */
  public byte[] toBytes() {
    byte[] out = new byte[Varint.encodedLength(code) + Varint.encodedLength(digest.length) + digest.length];
    int n = Varint.write(code, out, 0);
    n += Varint.write(digest.length, out, n);
    System.arraycopy(digest, 0, out, n, digest.length);
    return out;
  }

  /** Parses the binary form; the whole array must be consumed. */
  public static Multihash decode(byte[] bytes) {
    Varint.Decoded code = Varint.decode(bytes, 0, bytes.length);
    if (code.value() > MAX_CODE) {
      throw new IllegalArgumentException("multihash code " + code.value() + " too large");
    }
    Varint.Decoded len = Varint.decode(bytes, code.length(), bytes.length);
    if (len.value() > MAX_DIGEST_LENGTH) {
      throw new IllegalArgumentException(
          "multihash digest length " + len.value() + " (expected: at most " + MAX_DIGEST_LENGTH + ")");
    }
    int off = code.length() + len.length();
    if (bytes.length - off != len.value()) {
      throw new IllegalArgumentException(
          "multihash digest length " + len.value() + " but " + (bytes.length - off) + " bytes follow");
    }
    return new Multihash((int) code.value(), Arrays.copyOfRange(bytes, off, bytes.length));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash m && m.code == code && Arrays.equals(m.digest, digest);
  }

  @Override
  public int hashCode() {
    return 31 * code + Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return "Multihash[0x" + Integer.toHexString(code) + ", " + HexFormat.of().formatHex(digest) + "]";
  }
}
