package io.jlibp2p.multiformats;

/** The multibase encodings. Thread-safe. */
public enum Multibase {
  BASE58BTC('z');

  private final char prefix;

  Multibase(char prefix) {
    this.prefix = prefix;
  }

  /** The one-character multibase prefix. */
  public char prefix() {
    return prefix;
  }

  /** Encodes with the prefix. */
  public String encode(byte[] data) {
    return prefix + encodeRaw(data);
  }

  /** Encodes without the prefix (as in base58 peer ids). */
  public String encodeRaw(byte[] data) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Decodes text without the prefix; bad characters are an {@link IllegalArgumentException}. */
  public byte[] decodeRaw(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Decodes prefixed text, choosing the base from its first character. */
  public static byte[] decode(String text) {
    throw new UnsupportedOperationException("TODO");
  }
}
