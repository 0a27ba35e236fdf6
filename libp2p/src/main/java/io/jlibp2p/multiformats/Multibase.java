package io.jlibp2p.multiformats;

import java.util.Arrays;
import java.util.Base64;

/**
 * The multibase encodings (multiformats/multibase), each named by its one-character prefix.
 * Thread-safe. Decoding rejects characters outside the alphabet with an {@link
 * IllegalArgumentException}.
 */
public enum Multibase {
  BASE16('f', Kind.BASE16, "0123456789abcdef", false),
  BASE16UPPER('F', Kind.BASE16, "0123456789ABCDEF", false),
  BASE32('b', Kind.BASE32, "abcdefghijklmnopqrstuvwxyz234567", false),
  BASE32UPPER('B', Kind.BASE32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", false),
  BASE32PAD('c', Kind.BASE32, "abcdefghijklmnopqrstuvwxyz234567", true),
  BASE32PADUPPER('C', Kind.BASE32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", true),
  BASE32HEX('v', Kind.BASE32, "0123456789abcdefghijklmnopqrstuv", false),
  BASE32HEXUPPER('V', Kind.BASE32, "0123456789ABCDEFGHIJKLMNOPQRSTUV", false),
  BASE32HEXPAD('t', Kind.BASE32, "0123456789abcdefghijklmnopqrstuv", true),
  BASE32HEXPADUPPER('T', Kind.BASE32, "0123456789ABCDEFGHIJKLMNOPQRSTUV", true),
  BASE36('k', Kind.BASEX, "0123456789abcdefghijklmnopqrstuvwxyz", false),
  BASE36UPPER('K', Kind.BASEX, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", false),
  BASE58BTC('z', Kind.BASEX, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", false),
  BASE64('m', Kind.BASE64, "", false),
  BASE64PAD('M', Kind.BASE64, "", true),
  BASE64URL('u', Kind.BASE64URL, "", false),
  BASE64URLPAD('U', Kind.BASE64URL, "", true);

  /**
   * Longest text accepted by the quadratic radix conversions (base36, base58btc); longer input is
   * an {@link IllegalArgumentException}. Identifiers and CIDs are far shorter.
   */
  public static final int MAX_RADIX_TEXT_LENGTH = 16 * 1024;

  private enum Kind {
    BASE16,
    BASE32,
    BASEX,
    BASE64,
    BASE64URL
  }

  private final char prefix;
  private final Kind kind;
  private final char[] alphabet;
  private final byte[] values = new byte[128];
  private final boolean padded;

  Multibase(char prefix, Kind kind, String alphabet, boolean padded) {
    this.prefix = prefix;
    this.kind = kind;
    this.alphabet = alphabet.toCharArray();
    this.padded = padded;
    Arrays.fill(values, (byte) -1);
    for (int i = 0; i < this.alphabet.length; i++) {
      values[this.alphabet[i]] = (byte) i;
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
      case BASE16 -> encode16(data);
      case BASE32 -> encode32(data);
      case BASEX -> encodeRadix(data);
      case BASE64 -> (padded ? Base64.getEncoder() : Base64.getEncoder().withoutPadding()).encodeToString(data);
      case BASE64URL ->
          (padded ? Base64.getUrlEncoder() : Base64.getUrlEncoder().withoutPadding()).encodeToString(data);
    };
  }

  /** Decodes text without the prefix; bad characters are an {@link IllegalArgumentException}. */
  public byte[] decodeRaw(String text) {
    return switch (kind) {
      case BASE16 -> decode16(text);
      case BASE32 -> decode32(text);
      case BASEX -> decodeRadix(text);
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

  private String encode16(byte[] data) {
    char[] out = new char[data.length * 2];
    for (int i = 0; i < data.length; i++) {
      out[2 * i] = alphabet[(data[i] >> 4) & 0xF];
      out[2 * i + 1] = alphabet[data[i] & 0xF];
    }
    return new String(out);
  }

  private byte[] decode16(String text) {
    if (text.length() % 2 != 0) {
      throw new IllegalArgumentException("base16 text of odd length " + text.length());
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) ((value(text.charAt(2 * i), text) << 4) | value(text.charAt(2 * i + 1), text));
    }
    return out;
  }

  private String encode32(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5 + 8);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet[(buffer << (5 - bits)) & 31]);
    }
    if (padded) {
      while (sb.length() % 8 != 0) {
        sb.append('=');
      }
    }
    return sb.toString();
  }

  private byte[] decode32(String text) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    if (padded ? text.length() % 8 != 0 : end != text.length()) {
      throw new IllegalArgumentException("bad padding in " + name().toLowerCase() + " text: " + abbreviate(text));
    }
    int rem = end % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new IllegalArgumentException("bad length " + end + " of " + name().toLowerCase() + " text");
    }
    byte[] out = new byte[end * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < end; i++) {
      buffer = (buffer << 5) | value(text.charAt(i), text);
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
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
    // digits in base `base`, little-endian
    int size = (data.length - zeros) * 138 / 100 + 2;
    if (base == 36) {
      size = (data.length - zeros) * 155 / 100 + 2;
    }
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
