package io.jlibp2p.crypto;

import io.jlibp2p.multiformats.Cid;
import io.jlibp2p.multiformats.Multibase;
import io.jlibp2p.multiformats.Multihash;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A peer identity: the multihash of the peer's protobuf-encoded public key (identity multihash
 * when the encoded key is at most {@value #MAX_INLINE_KEY_LENGTH} bytes, else sha2-256), as in
 * specs {@code peer-ids/peer-ids.md}. Immutable and thread-safe; equality and order are by bytes.
 *
 * {@snippet :
 * PeerId id = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
 * String legacy = id.toString();   // base58btc, "12D3KooW..."
 * String cid = id.toCid();         // CIDv1 libp2p-key, base32, "bafz..."
 * Optional<PublicKey> key = id.extractPublicKey();   // present for Ed25519 and secp256k1 ids
 * }
 */
public final class PeerId implements Comparable<PeerId> {
  /** Longest encoded public key inlined with the identity multihash; longer keys are hashed. */
  public static final int MAX_INLINE_KEY_LENGTH = 42;
  /** Longest binary peer id accepted: an identity multihash of an inlined key (2 + 42 bytes). */
  public static final int MAX_BYTES = 2 + MAX_INLINE_KEY_LENGTH;
  /** Longest text form {@link #parse} accepts (room for a CIDv1 in base2). */
  public static final int MAX_TEXT_LENGTH = 512;

  private static final int SHA2_256_LENGTH = 32;

  private final byte[] bytes;
  private final int hash;
  private String text; // lazily computed base58btc; racy caching of an immutable String is safe

  private PeerId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The peer id of {@code key}. */
  public static PeerId fromPublicKey(PublicKey key) {
    byte[] encoded = key.marshal();
    int code = encoded.length <= MAX_INLINE_KEY_LENGTH ? Multihash.IDENTITY : Multihash.SHA2_256;
    return new PeerId(Multihash.digest(code, encoded).toBytes());
  }

  /**
   * Parses the binary form: an identity multihash of at most {@value #MAX_INLINE_KEY_LENGTH}
   * bytes or a sha2-256 multihash. Anything else is an IllegalArgumentException.
   */
  public static PeerId fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "peer id: " + bytes.length + " bytes (expected: 1 to " + MAX_BYTES + ")");
    }
    Multihash mh = Multihash.decode(bytes);
    return fromMultihash(mh, bytes.clone());
  }

  private static PeerId fromMultihash(Multihash mh, byte[] bytes) {
    int length = mh.digest().length;
    if (mh.code() == Multihash.IDENTITY) {
      if (length > MAX_INLINE_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "peer id: identity multihash of " + length + " bytes (expected: at most "
                + MAX_INLINE_KEY_LENGTH + ")");
      }
    } else if (mh.code() == Multihash.SHA2_256) {
      if (length != SHA2_256_LENGTH) {
        throw new IllegalArgumentException(
            "peer id: sha2-256 digest of " + length + " bytes (expected: " + SHA2_256_LENGTH + ")");
      }
    } else {
      throw new IllegalArgumentException(
          "peer id: multihash code 0x" + Integer.toHexString(mh.code())
              + " (expected: identity or sha2-256)");
    }
    return new PeerId(bytes);
  }

  /**
   * Parses base58btc ("12D3KooW...", "16Uiu2...", "Qm...": text starting with '1' or "Qm") or a
   * CIDv1 in any multibase with codec libp2p-key (0x72). Bad text is an IllegalArgumentException.
   */
  public static PeerId parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty() || text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          "peer id: text of " + text.length() + " characters (expected: 1 to " + MAX_TEXT_LENGTH + ")");
    }
    if (text.charAt(0) == '1' || text.startsWith("Qm")) {
      return fromBytes(Multibase.BASE58BTC.decodeRaw(text));
    }
    Cid cid = Cid.parse(text);
    if (cid.version() != 1 || cid.codec() != Cid.LIBP2P_KEY) {
      throw new IllegalArgumentException(
          "peer id: CID version " + cid.version() + " codec 0x" + Long.toHexString(cid.codec())
              + " (expected: CIDv1 with codec libp2p-key 0x72): " + text);
    }
    return fromBytes(cid.multihash().toBytes());
  }

  /** The binary form (a multihash); a fresh copy. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /**
   * The public key when it is inlined (identity multihash); empty when the id is a hash, or when
   * the inlined bytes are not a valid public key.
   */
  public Optional<PublicKey> extractPublicKey() {
    if (bytes[0] != Multihash.IDENTITY) {
      return Optional.empty();
    }
    try {
      Multihash mh = Multihash.decode(bytes);
      return Optional.of(PublicKey.unmarshal(mh.digest()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code key} hashes to this id. */
  public boolean matches(PublicKey key) {
    return equals(fromPublicKey(key));
  }

  /** CIDv1 (libp2p-key) text, base32 ("bafz..."). */
  public String toCid() {
    return new Cid(1, Cid.LIBP2P_KEY, Multihash.decode(bytes)).toString();
  }

  /** base58btc ("12D3KooW...", "Qm..."). */
  @Override
  public String toString() {
    String s = text;
    if (s == null) {
      s = Multibase.BASE58BTC.encodeRaw(bytes);
      text = s;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && p.hash == hash && Arrays.equals(p.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Unsigned lexicographic order of the binary forms (the order of go-libp2p's peer.ID strings). */
  @Override
  public int compareTo(PeerId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }
}
