package io.jlibp2p.multiformats;

/**
 * Text forms of IPv4 and IPv6 addresses for multiaddr values: no name resolution, no zones, output
 * as Go's {@code net.IP.String} (RFC 5952, IPv4-mapped as {@code ::ffff:a.b.c.d}). Unlike Go, an
 * {@code /ip4} value must be a dotted quad and an {@code /ip6} value must have a colon. Stateless.
 */
final class IpAddresses {
  /** Longest IPv6 text: eight groups of four digits and seven colons, or six groups and an IPv4. */
  private static final int MAX_IP6_TEXT = 45;

  private IpAddresses() {}

  /** IPv6 text (the last 32 bits may be a dotted quad), as 16 bytes. */
  static byte[] parse6(String s) {
    if (s.length() > MAX_IP6_TEXT) {
      throw new IllegalArgumentException("not an IPv6 address (too long)");
    }
    if (s.indexOf(':') < 0) {
      throw new IllegalArgumentException("not an IPv6 address (no ':')");
    }
    byte[] out = new byte[16];
    int ellipsis = s.indexOf("::");
    if (ellipsis >= 0 && s.indexOf("::", ellipsis + 1) >= 0) {
      throw new IllegalArgumentException("not an IPv6 address (more than one '::')");
    }
    if (ellipsis < 0) {
      if (groups(s, out, 0, true) != 16) {
        throw new IllegalArgumentException("not an IPv6 address (expected: eight groups)");
      }
      return out;
    }
    byte[] tail = new byte[16];
    int head = ellipsis == 0 ? 0 : groups(s.substring(0, ellipsis), out, 0, false);
    String rest = s.substring(ellipsis + 2);
    int tailLength = rest.isEmpty() ? 0 : groups(rest, tail, 0, true);
    if (head + tailLength > 14) { // "::" stands for at least one group
      throw new IllegalArgumentException("not an IPv6 address (too many groups)");
    }
    System.arraycopy(tail, 0, out, 16 - tailLength, tailLength);
    return out;
  }

  /**
   * Parses colon-separated groups of 1 to 4 hex digits into {@code out} from {@code off}; the last
   * may be a dotted quad if {@code lastMayBeIp4}. Returns the number of bytes written.
   */
  private static int groups(String s, byte[] out, int off, boolean lastMayBeIp4) {
    String[] parts = s.split(":", -1);
    int n = off;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (lastMayBeIp4 && i == parts.length - 1 && p.indexOf('.') >= 0) {
        if (n + 4 > out.length) {
          throw new IllegalArgumentException("not an IPv6 address (too many groups)");
        }
        System.arraycopy(parse4(p), 0, out, n, 4);
        n += 4;
        continue;
      }
      if (p.isEmpty() || p.length() > 4 || n + 2 > out.length) {
        throw new IllegalArgumentException("not an IPv6 address");
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        int d = PercentEncoding.hexDigit(p.charAt(j));
        if (d < 0) {
          throw new IllegalArgumentException("not an IPv6 address (bad hex digit)");
        }
        v = v << 4 | d;
      }
      out[n++] = (byte) (v >> 8);
      out[n++] = (byte) v;
    }
    return n - off;
  }

  /** Dotted-quad IPv4 without leading zeros, as 4 bytes. */
  static byte[] parse4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address");
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException("not an IPv4 address");
      }
      int v = 0;
      for (int j = 0; j < p.length(); j++) {
        char c = p.charAt(j);
        if (c < '0' || c > '9') {
          throw new IllegalArgumentException("not an IPv4 address");
        }
        v = v * 10 + (c - '0');
      }
      if (v > 255) {
        throw new IllegalArgumentException("not an IPv4 address (" + v + " is over 255)");
      }
      b[i] = (byte) v;
    }
    return b;
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
  }

  /** The text form of 4 or 16 bytes; IPv4-mapped addresses print as {@code ::ffff:a.b.c.d}. */
  static String format(byte[] b) {
    if (b.length == 4) {
      return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
    }
    if (isMapped(b)) {
      return "::ffff:" + (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
    }
    // RFC 5952: the longest (first if tied) run of two or more zero groups becomes "::"
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
