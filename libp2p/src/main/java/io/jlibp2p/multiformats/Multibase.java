package io.jlibp2p.multiformats;

import java.util.Arrays;
import java.util.Base64;

/**
 * The multibase encodings (multiformats/multibase), each named by its one-character prefix.
 * Thread-safe. Decoding rejects characters outside the alphabet with an {@link
 * IllegalArgumentException}. The encodings the multibase table calls case-insensitive (base16,
 * base32 and its variants, base36) decode text in any mix of cases; they encode in the case their
 * prefix names. Not supported: identity, base45, proquint and base256emoji (its prefix is not one
 * {@code char}).
 */
public enum Multibase {
  BASE2('0', Kind.BITS, "01", false),
  BASE8('7', Kind.BITS, "01234567", false),
  BASE10('9', Kind.RADIX, "0123456789", false),
  BASE16('f', Kind.BITS, "0123456789abcdef", false),
  BASE16UPPER('F', Kind.BITS, "0123456789ABCDEF", false),
  BASE32('b', Kind.BITS, "abcdefghijklmnopqrstuvwxyz234567", false),
  BASE32UPPER('B', Kind.BITS, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", false),
  BASE32PAD('c', Kind.BITS, "abcdefghijklmnopqrstuvwxyz234567", true),
  BASE32PADUPPER('C', Kind.BITS, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", true),
  BASE32HEX('v', Kind.BITS, "0123456789abcdefghijklmnopqrstuv", false),
  BASE32HEXUPPER('V', Kind.BITS, "0123456789ABCDEFGHIJKLMNOPQRSTUV", false),
  BASE32HEXPAD('t', Kind.BITS, "0123456789abcdefghijklmnopqrstuv", true),
  BASE32HEXPADUPPER('T', Kind.BITS, "0123456789ABCDEFGHIJKLMNOPQRSTUV", true),
  BASE32Z('h', Kind.BITS, "ybndrfg8ejkmcpqxot1uwisza345h769", false),
  BASE36('k', Kind.RADIX, "0123456789abcdefghijklmnopqrstuvwxyz", false),
  BASE36UPPER('K', Kind.RADIX, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", false),
  BASE58BTC('z', Kind.RADIX, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", false),
  BASE58FLICKR('Z', Kind.RADIX, "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ", false),
  BASE64('m', Kind.BASE64, "", false),
  BASE64PAD('M', Kind.BASE64, "", true),
  BASE64URL('u', Kind.BASE64URL, "", false),
  BASE64URLPAD('U', Kind.BASE64URL, "", true);

  /**
   * Longest text accepted by the quadratic radix conversions (base10, base36, base58); longer input
   * is an {@link IllegalArgumentException}. Identifiers and CIDs are far shorter.
   */
  public static final int MAX_RADIX_TEXT_LENGTH = 16 * 1024;

  private enum Kind {
    /** RFC 4648 style: each character carries a fixed number of bits, most significant first. */
    BITS,
    /** The whole input is one big-endian number; each leading zero byte is one zero digit. */
    RADIX,
    BASE64,
    BASE64URL
  }

  private final char prefix;
  private final Kind kind;
  private final char[] alphabet;
  private final byte[] values = new byte[128];
  private final boolean padded;
  private final int bitsPerChar;

  Multibase(char prefix, Kind kind, String alphabet, boolean padded) {
    this.prefix = prefix;
    this.kind = kind;
    this.alphabet = alphabet.toCharArray();
    this.padded = padded;
    this.bitsPerChar = Integer.numberOfTrailingZeros(this.alphabet.length);
    // base16, base32 (not z-base-32) and base36 are case-insensitive (multibase.csv)
    boolean caseInsensitive = prefix != 'h' && (this.alphabet.length == 16
        || this.alphabet.length == 32 || this.alphabet.length == 36);
    Arrays.fill(values, (byte) -1);
    for (int i = 0; i < this.alphabet.length; i++) {
      char c = this.alphabet[i];
      values[c] = (byte) i;
      if (caseInsensitive) {
        values[Character.toLowerCase(c)] = (byte) i;
        values[Character.toUpperCase(c)] = (byte) i;
      }
    }
  }

  /** The one-character multibase prefix. */
  public char prefix() {
    return prefix;
  }

  /** The encoding of {@code prefix}. */
  public static Multibase ofPrefix(char prefix) {
    for (Multibase b : values()) {
      if (b.prefix == prefix) {
        return b;
      }
    }
    throw new IllegalArgumentException("multibase prefix: '" + prefix + "' (unknown or unsupported)");
  }

  /** Encodes with the prefix. */
  public String encode(byte[] data) {
    return prefix + encodeRaw(data);
  }

  /** Encodes without the prefix (as in base58 peer ids). */
  public String encodeRaw(byte[] data) {
    return switch (kind) {
      case BITS -> encodeBits(data);
      case RADIX -> encodeRadix(data);
      case BASE64 -> (padded ? Base64.getEncoder() : Base64.getEncoder().withoutPadding()).encodeToString(data);
      case BASE64URL ->
          (padded ? Base64.getUrlEncoder() : Base64.getUrlEncoder().withoutPadding()).encodeToString(data);
    };
  }

  /** Decodes text without the prefix; bad characters are an {@link IllegalArgumentException}. */
  public byte[] decodeRaw(String text) {
    return switch (kind) {
      case BITS -> decodeBits(text);
      case RADIX -> decodeRadix(text);
      case BASE64, BASE64URL -> decode64(text);
    };
  }

  /** Decodes prefixed text, choosing the base from its first character. */
  public static byte[] decode(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("multibase text is empty (expected: a prefix)");
    }
    return ofPrefix(text.charAt(0)).decodeRaw(text.substring(1));
  }

  private int value(char c, String text) {
    int v = c < 128 ? values[c] : -1;
    if (v < 0) {
      throw new IllegalArgumentException(
          "character '" + c + "' is not in the " + name().toLowerCase() + " alphabet: " + abbreviate(text));
    }
    return v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  private String encodeBits(byte[] data) {
    int chars = (data.length * 8 + bitsPerChar - 1) / bitsPerChar;
    StringBuilder sb = new StringBuilder(chars + 8);
    int mask = alphabet.length - 1;
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= bitsPerChar) {
        bits -= bitsPerChar;
        sb.append(alphabet[(buffer >> bits) & mask]);
      }
    }
    if (bits > 0) {
      sb.append(alphabet[(buffer << (bitsPerChar - bits)) & mask]);
    }
    if (padded) {
      while (sb.length() % 8 != 0) {
        sb.append('=');
      }
    }
    return sb.toString();
  }

  private byte[] decodeBits(String text) {
    int end = text.length();
    if (padded) {
      while (end > 0 && text.charAt(end - 1) == '=') {
        end--;
      }
      if (text.length() - end != (8 - end % 8) % 8) {
        throw new IllegalArgumentException("bad padding in " + name().toLowerCase() + " text: " + abbreviate(text));
      }
    }
    long totalBits = (long) end * bitsPerChar;
    int length = (int) (totalBits / 8);
    // the shortest encoding of `length` bytes must have exactly `end` characters
    if ((length * 8L + bitsPerChar - 1) / bitsPerChar != end) {
      throw new IllegalArgumentException("bad length " + end + " of " + name().toLowerCase() + " text");
    }
    byte[] out = new byte[length];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < end; i++) {
      buffer = (buffer << bitsPerChar) | value(text.charAt(i), text);
      bits += bitsPerChar;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (buffer >> bits);
      }
    }
    return out;
  }

  private String encodeRadix(byte[] data) {
    int base = alphabet.length;
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    // digits in base `base`, little-endian: log(256) / log(base) digits per byte, rounded up
    int size = (int) ((data.length - zeros) * (Math.log(256) / Math.log(base))) + 2;
    byte[] digits = new byte[size];
    int len = 0;
    for (int i = zeros; i < data.length; i++) {
      int carry = data[i] & 0xFF;
      for (int j = 0; j < len; j++) {
        carry += (digits[j] & 0xFF) << 8;
        digits[j] = (byte) (carry % base);
        carry /= base;
      }
      while (carry > 0) {
        digits[len++] = (byte) (carry % base);
        carry /= base;
      }
    }
    StringBuilder sb = new StringBuilder(zeros + len);
    for (int i = 0; i < zeros; i++) {
      sb.append(alphabet[0]);
    }
    for (int i = len - 1; i >= 0; i--) {
      sb.append(alphabet[digits[i]]);
    }
    return sb.toString();
  }

  private byte[] decodeRadix(String text) {
    if (text.length() > MAX_RADIX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          name().toLowerCase() + " text of " + text.length() + " characters (expected: at most "
              + MAX_RADIX_TEXT_LENGTH + ")");
    }
    int base = alphabet.length;
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == alphabet[0]) {
      zeros++;
    }
    byte[] bytes = new byte[text.length()];
    int len = 0;
    for (int i = zeros; i < text.length(); i++) {
      int carry = value(text.charAt(i), text);
      for (int j = 0; j < len; j++) {
        carry += (bytes[j] & 0xFF) * base;
        bytes[j] = (byte) carry;
        carry >>>= 8;
      }
      while (carry > 0) {
        bytes[len++] = (byte) carry;
        carry >>>= 8;
      }
    }
    byte[] out = new byte[zeros + len];
    for (int i = 0; i < len; i++) {
      out[zeros + i] = bytes[len - 1 - i];
    }
    return out;
  }

  private byte[] decode64(String text) {
    boolean hasPad = text.endsWith("=");
    if (hasPad && !padded) {
      throw new IllegalArgumentException(name().toLowerCase() + " text must not be padded");
    }
    if (padded && text.length() % 4 != 0) {
      throw new IllegalArgumentException(name().toLowerCase() + " text must be padded");
    }
    try {
      return (kind == Kind.BASE64 ? Base64.getDecoder() : Base64.getUrlDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad " + name().toLowerCase() + " text: " + abbreviate(text) + " (" + e.getMessage() + ")", e);
    }
  }
}
