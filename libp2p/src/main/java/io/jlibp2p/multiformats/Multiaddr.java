package io.jlibp2p.multiformats;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A multiaddr: a composable, self-describing network address such as {@code
 * /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...} (multiformats/multiaddr). Immutable and thread-safe;
 * equality is by binary form.
 *
 * {@snippet :
 * Multiaddr a = Multiaddr.parse("/ip4/127.0.0.1/tcp/4001");
 * byte[] wire = a.toBytes();
 * }
 */
public final class Multiaddr {
  /** Longest binary form accepted. */
  public static final int MAX_LENGTH = 1024;

  /** Longest text form accepted. */
  public static final int MAX_TEXT_LENGTH = 4096;

  /** Most components accepted. */
  public static final int MAX_COMPONENTS = 64;

  private final byte[] bytes;
  private final List<Component> components;

  private Multiaddr(byte[] bytes, List<Component> components) {
    this.bytes = bytes;
    this.components = components;
  }

  /** Parses the text form; an unknown protocol or bad value is an IllegalArgumentException. */
  public static Multiaddr parse(String text) {
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          "multiaddr of " + text.length() + " characters (expected: at most " + MAX_TEXT_LENGTH + ")");
    }
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("multiaddr: " + text + " (expected: starts with '/')");
    }
    String[] parts = text.substring(1).split("/", -1);
    if (parts.length > 0 && parts[parts.length - 1].isEmpty()) {
      parts = Arrays.copyOf(parts, parts.length - 1); // one trailing slash is tolerated
    }
    if (parts.length == 0) {
      throw new IllegalArgumentException("multiaddr: " + text + " (expected: at least one component)");
    }
    List<Component> cs = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      Protocol p = Protocol.byName(parts[i]);
      if (p == null) {
        throw new IllegalArgumentException("multiaddr " + text + ": unknown protocol '" + parts[i] + "'");
      }
      byte[] value;
      if (p.size == 0) {
        value = new byte[0];
      } else if (p.path) {
        if (i + 1 >= parts.length) {
          throw new IllegalArgumentException("multiaddr " + text + ": " + p.text + " needs a path");
        }
        value = ("/" + String.join("/", Arrays.copyOfRange(parts, i + 1, parts.length)))
            .getBytes(StandardCharsets.UTF_8);
        i = parts.length;
      } else {
        if (i + 1 >= parts.length) {
          throw new IllegalArgumentException("multiaddr " + text + ": " + p.text + " needs a value");
        }
        String v = parts[++i];
        try {
          value = p.fromText(v);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "multiaddr " + text + ": bad " + p.text + " value '" + v + "': " + e.getMessage(), e);
        }
      }
      cs.add(new Component(p, value));
      if (cs.size() > MAX_COMPONENTS) {
        throw new IllegalArgumentException("multiaddr with more than " + MAX_COMPONENTS + " components");
      }
    }
    return of(cs);
  }

  /** Parses the binary form; every length is bounded, bad input is an IllegalArgumentException. */
  public static Multiaddr decode(byte[] bytes) {
    if (bytes.length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "multiaddr of " + bytes.length + " bytes (expected: at most " + MAX_LENGTH + ")");
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException("multiaddr: empty (expected: at least one component)");
    }
    List<Component> cs = new ArrayList<>();
    int off = 0;
    while (off < bytes.length) {
      Varint.Decoded code = Varint.decode(bytes, off, bytes.length);
      off += code.length();
      Protocol p = Protocol.byCode(code.value());
      if (p == null) {
        throw new IllegalArgumentException("multiaddr: unknown protocol code " + code.value());
      }
      int len;
      if (p.size >= 0) {
        len = p.size / 8;
      } else {
        Varint.Decoded l = Varint.decode(bytes, off, bytes.length);
        off += l.length();
        if (l.value() > bytes.length - off) {
          throw new IllegalArgumentException(
              "multiaddr: " + p.text + " value of " + l.value() + " bytes but " + (bytes.length - off) + " remain");
        }
        len = (int) l.value();
      }
      if (len > bytes.length - off) {
        throw new IllegalArgumentException("multiaddr: " + p.text + " value truncated");
      }
      byte[] value = Arrays.copyOfRange(bytes, off, off + len);
      off += len;
      p.validate(value);
      cs.add(new Component(p, value));
      if (cs.size() > MAX_COMPONENTS) {
        throw new IllegalArgumentException("multiaddr with more than " + MAX_COMPONENTS + " components");
      }
    }
    return new Multiaddr(bytes.clone(), List.copyOf(cs));
  }

  private static Multiaddr of(List<Component> cs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Component c : cs) {
      out.writeBytes(Varint.encode(c.protocol.code));
      if (c.protocol.size < 0) {
        out.writeBytes(Varint.encode(c.value.length));
      }
      out.writeBytes(c.value);
    }
    if (out.size() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "multiaddr of " + out.size() + " bytes (expected: at most " + MAX_LENGTH + ")");
    }
    return new Multiaddr(out.toByteArray(), List.copyOf(cs));
  }

  /** The binary form. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The components in order. */
  public List<Component> components() {
    return components;
  }

  /** The text value of the first component of {@code protocol}, if present. */
  public Optional<String> valueOf(Protocol protocol) {
    for (Component c : components) {
      if (c.protocol == protocol) {
        return Optional.of(c.valueString());
      }
    }
    return Optional.empty();
  }

  /** Whether some component is {@code protocol}. */
  public boolean has(Protocol protocol) {
    return components.stream().anyMatch(c -> c.protocol == protocol);
  }

  /** This address followed by {@code other}. */
  public Multiaddr encapsulate(Multiaddr other) {
    List<Component> cs = new ArrayList<>(components);
    cs.addAll(other.components);
    return of(cs);
  }

  /** This address followed by one component given in text form. */
  public Multiaddr with(Protocol protocol, String value) {
    List<Component> cs = new ArrayList<>(components);
    cs.add(new Component(protocol, protocol.size == 0 ? new byte[0] : protocol.fromText(value)));
    return of(cs);
  }

  /** This address up to, not including, the last occurrence of {@code protocol}; unchanged if absent. */
  public Multiaddr decapsulate(Protocol protocol) {
    for (int i = components.size() - 1; i >= 0; i--) {
      if (components.get(i).protocol == protocol) {
        return of(components.subList(0, i));
      }
    }
    return this;
  }

  /** The text value of the last {@code /p2p} component, if any. */
  public Optional<String> peerId() {
    for (int i = components.size() - 1; i >= 0; i--) {
      if (components.get(i).protocol == Protocol.P2P) {
        return Optional.of(components.get(i).valueString());
      }
    }
    return Optional.empty();
  }

  /** This address without a trailing {@code /p2p/<id>} component. */
  public Multiaddr withoutPeerId() {
    if (!components.isEmpty() && components.getLast().protocol == Protocol.P2P) {
      return of(components.subList(0, components.size() - 1));
    }
    return this;
  }

  /** The text form. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Component c : components) {
      sb.append('/').append(c.protocol.text);
      if (c.protocol.size != 0) {
        String v = c.valueString();
        if (c.protocol.path) {
          sb.append(v.startsWith("/") ? v : "/" + v);
        } else {
          sb.append('/').append(v);
        }
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr m && Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /**
   * One protocol and its value.
   *
   * @param protocol the protocol
   * @param value its binary value (empty for protocols without a value)
   */
  public record Component(Protocol protocol, byte[] value) {
    public Component {
      value = value.clone();
    }

    /** The value's text form ("" for protocols without a value). */
    public String valueString() {
      return protocol.toText(value);
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Component c && c.protocol == protocol && Arrays.equals(c.value, value);
    }

    @Override
    public int hashCode() {
      return protocol.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "/" + protocol.text + (protocol.size == 0 ? "" : "/" + valueString());
    }
  }

  /** How a protocol's value is written as text. */
  private enum Codec {
    NONE,
    IP4,
    IP6,
    PORT,
    STRING,
    P2P,
    MULTIBASE,
    U64,
    BYTE
  }

  /** The multiaddr protocols (multicodec table, multiformats/multiaddr protocols.csv). */
  public enum Protocol {
    IP4(4, "ip4", 32, Codec.IP4),
    TCP(6, "tcp", 16, Codec.PORT),
    DCCP(33, "dccp", 16, Codec.PORT),
    IP6(41, "ip6", 128, Codec.IP6),
    IP6ZONE(42, "ip6zone", -1, Codec.STRING),
    IPCIDR(43, "ipcidr", 8, Codec.BYTE),
    DNS(53, "dns", -1, Codec.STRING),
    DNS4(54, "dns4", -1, Codec.STRING),
    DNS6(55, "dns6", -1, Codec.STRING),
    DNSADDR(56, "dnsaddr", -1, Codec.STRING),
    SCTP(132, "sctp", 16, Codec.PORT),
    UDP(273, "udp", 16, Codec.PORT),
    WEBRTC_DIRECT(280, "webrtc-direct", 0, Codec.NONE),
    WEBRTC(281, "webrtc", 0, Codec.NONE),
    P2P_CIRCUIT(290, "p2p-circuit", 0, Codec.NONE),
    UDT(301, "udt", 0, Codec.NONE),
    UTP(302, "utp", 0, Codec.NONE),
    UNIX(400, "unix", -1, Codec.STRING),
    P2P(421, "p2p", -1, Codec.P2P),
    HTTPS(443, "https", 0, Codec.NONE),
    TLS(448, "tls", 0, Codec.NONE),
    SNI(449, "sni", -1, Codec.STRING),
    NOISE(454, "noise", 0, Codec.NONE),
    QUIC(460, "quic", 0, Codec.NONE),
    QUIC_V1(461, "quic-v1", 0, Codec.NONE),
    WEBTRANSPORT(465, "webtransport", 0, Codec.NONE),
    CERTHASH(466, "certhash", -1, Codec.MULTIBASE),
    WS(477, "ws", 0, Codec.NONE),
    WSS(478, "wss", 0, Codec.NONE),
    P2P_WEBSOCKET_STAR(479, "p2p-websocket-star", 0, Codec.NONE),
    HTTP(480, "http", 0, Codec.NONE),
    HTTP_PATH(481, "http-path", -1, Codec.STRING),
    MEMORY(777, "memory", 64, Codec.U64);

    private static final Map<String, Protocol> BY_NAME = new HashMap<>();
    private static final Map<Long, Protocol> BY_CODE = new HashMap<>();

    static {
      for (Protocol p : values()) {
        BY_NAME.put(p.text, p);
        BY_CODE.put((long) p.code, p);
      }
      BY_NAME.put("ipfs", P2P); // legacy name
    }

    private final int code;
    private final String text;
    private final int size;
    private final Codec codec;
    private final boolean path;

    Protocol(int code, String text, int size, Codec codec) {
      this.code = code;
      this.text = text;
      this.size = size;
      this.codec = codec;
      this.path = code == 400;
    }

    /** The multicodec code. */
    public int code() {
      return code;
    }

    /** The text name, e.g. {@code quic-v1}. */
    public String text() {
      return text;
    }

    /** The value size in bits; 0 for none, -1 for length-prefixed. */
    public int size() {
      return size;
    }

    /** The protocol named {@code name} in text form ({@code ipfs} is {@link #P2P}), or null. */
    public static Protocol byName(String name) {
      return BY_NAME.get(name);
    }

    /** The protocol with multicodec {@code code}, or null. */
    public static Protocol byCode(long code) {
      return BY_CODE.get(code);
    }

    byte[] fromText(String v) {
      return switch (codec) {
        case NONE -> new byte[0];
        case IP4 -> ip(v, false);
        case IP6 -> ip(v, true);
        case PORT -> {
          int port = parseInt(v, 65535);
          yield new byte[] {(byte) (port >> 8), (byte) port};
        }
        case BYTE -> new byte[] {(byte) parseInt(v, 255)};
        case STRING -> {
          if (v.isEmpty()) {
            throw new IllegalArgumentException("empty value");
          }
          yield v.getBytes(StandardCharsets.UTF_8);
        }
        case P2P -> peerIdBytes(v);
        case MULTIBASE -> Multibase.decode(v);
        case U64 -> {
          try {
            yield ByteBuffer.allocate(8).putLong(Long.parseUnsignedLong(v)).array();
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an unsigned 64-bit number", e);
          }
        }
      };
    }

    String toText(byte[] v) {
      return switch (codec) {
        case NONE -> "";
        case IP4, IP6 -> ipText(v);
        case PORT -> Integer.toString(((v[0] & 0xFF) << 8) | (v[1] & 0xFF));
        case BYTE -> Integer.toString(v[0] & 0xFF);
        case STRING -> new String(v, StandardCharsets.UTF_8);
        case P2P -> Multibase.BASE58BTC.encodeRaw(v);
        case MULTIBASE -> Multibase.BASE64URL.encode(v);
        case U64 -> Long.toUnsignedString(ByteBuffer.wrap(v).getLong());
      };
    }

    void validate(byte[] v) {
      switch (codec) {
        case STRING -> {
          if (v.length == 0) {
            throw new IllegalArgumentException("multiaddr: empty " + text + " value");
          }
          String s = new String(v, StandardCharsets.UTF_8);
          if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), v)) {
            throw new IllegalArgumentException("multiaddr: " + text + " value is not UTF-8");
          }
          if (!path && s.indexOf('/') >= 0) {
            throw new IllegalArgumentException("multiaddr: " + text + " value contains '/'");
          }
        }
        case P2P -> Multihash.decode(v);
        case MULTIBASE -> {
          if (v.length == 0) {
            throw new IllegalArgumentException("multiaddr: empty " + text + " value");
          }
        }
        default -> {
          // fixed sizes are checked by the decoder
        }
      }
    }

    private static int parseInt(String v, int max) {
      if (v.isEmpty() || v.length() > 5 || !v.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not a number in 0.." + max);
      }
      int n = Integer.parseInt(v);
      if (n > max) {
        throw new IllegalArgumentException(n + " is over " + max);
      }
      return n;
    }

    private static byte[] ip(String v, boolean six) {
      if (!six) {
        String[] parts = v.split("\\.", -1);
        if (parts.length != 4) {
          throw new IllegalArgumentException("not an IPv4 address");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          if (parts[i].length() > 1 && parts[i].startsWith("0")) {
            throw new IllegalArgumentException("not an IPv4 address (leading zero)");
          }
          b[i] = (byte) parseInt(parts[i], 255);
        }
        return b;
      }
      if (!v.matches("[0-9a-fA-F:.]+") || !v.contains(":")) {
        throw new IllegalArgumentException("not an IPv6 address");
      }
      try {
        byte[] b = InetAddress.getByName(v).getAddress();
        if (six && b.length == 4) { // an IPv4-mapped address: keep its 16-byte form
          byte[] m = new byte[16];
          m[10] = (byte) 0xFF;
          m[11] = (byte) 0xFF;
          System.arraycopy(b, 0, m, 12, 4);
          return m;
        }
        if (b.length != (six ? 16 : 4)) {
          throw new IllegalArgumentException("not an IPv" + (six ? 6 : 4) + " address");
        }
        return b;
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address", e);
      }
    }

    private static String ipText(byte[] b) {
      if (b.length == 4) {
        return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
        return "::ffff:" + (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
      }
      // RFC 5952: the longest run (>= 2) of zero groups becomes "::"
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
      StringBuilder sb = new StringBuilder();
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

    private static byte[] peerIdBytes(String v) {
      byte[] b;
      if (v.startsWith("Qm") || v.startsWith("1")) {
        b = Multibase.BASE58BTC.decodeRaw(v);
      } else {
        Cid c = Cid.parse(v);
        if (c.codec() != Cid.LIBP2P_KEY) {
          throw new IllegalArgumentException("CID codec 0x" + Long.toHexString(c.codec()) + " is not libp2p-key");
        }
        b = c.multihash().toBytes();
      }
      Multihash.decode(b);
      return b;
    }
  }
}
