package io.jlibp2p.multiformats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * URL query escaping of the {@code /http-path} multiaddr value, as go-multiaddr writes it (Go's
 * {@code url.QueryEscape} and {@code url.QueryUnescape}): unreserved characters stay, a space is
 * {@code +}, every other byte is {@code %XX}. Stateless.
 */
final class PercentEncoding {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PercentEncoding() {}

  static String encode(byte[] raw) {
    StringBuilder sb = new StringBuilder(raw.length * 3);
    for (byte b : raw) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else if (c == ' ') {
        sb.append('+');
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return sb.toString();
  }

  static byte[] decode(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        int hi = i + 2 < text.length() ? hexDigit(text.charAt(i + 1)) : -1;
        int lo = hi >= 0 ? hexDigit(text.charAt(i + 2)) : -1;
        if (lo < 0) {
          throw new IllegalArgumentException("bad percent escape at index " + i + " of " + text);
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else if (c < 0x80) {
        out.write(c);
      } else {
        int cp = text.codePointAt(i);
        out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp) - 1;
      }
    }
    return out.toByteArray();
  }

  /** The value of an ASCII hex digit of either case, or -1. */
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }
}
