package io.jlibp2p.multiformats;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A multiaddr: a composable, self-describing network address such as {@code
 * /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...} (multiformats/multiaddr). Immutable and thread-safe;
 * equality is by binary form.
 *
 * <p>Text forms are read and printed as go-multiaddr does: trailing slashes are ignored, {@code
 * /ipfs} reads as {@code /p2p}, a peer id given as a CID prints as its base58btc multihash, a
 * {@code certhash} in any multibase prints as base64url, {@code /http-path} values are query-escaped
 * and {@code /unix} takes the rest of the text as its path (so it comes last).
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
    int end = text.length();
    while (end > 1 && text.charAt(end - 1) == '/') {
      end--; // trailing slashes are ignored, as go-multiaddr does
    }
    String[] parts = end == 1 ? new String[0] : text.substring(1, end).split("/", -1);
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
        value = valueFromText(text, p, "/" + String.join("/", Arrays.copyOfRange(parts, i + 1, parts.length)));
        i = parts.length;
      } else {
        if (i + 1 >= parts.length) {
          throw new IllegalArgumentException("multiaddr " + text + ": " + p.text + " needs a value");
        }
        value = valueFromText(text, p, parts[++i]);
      }
      cs.add(new Component(p, value));
      if (cs.size() > MAX_COMPONENTS) {
        throw new IllegalArgumentException("multiaddr with more than " + MAX_COMPONENTS + " components");
      }
    }
    return of(cs);
  }

  private static byte[] valueFromText(String text, Protocol p, String v) {
    try {
      return p.fromText(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "multiaddr " + text + ": bad " + p.text + " value '" + v + "': " + e.getMessage(), e);
    }
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
    requirePathLast(cs);
    return new Multiaddr(bytes.clone(), List.copyOf(cs));
  }

  /** A path protocol ({@code /unix}) takes the rest of the text form, so it must come last. */
  private static void requirePathLast(List<Component> cs) {
    for (int i = 0; i < cs.size() - 1; i++) {
      if (cs.get(i).protocol.path) {
        throw new IllegalArgumentException(
            "multiaddr: /" + cs.get(i + 1).protocol.text + " follows the path of /" + cs.get(i).protocol.text);
      }
    }
  }

  private static Multiaddr of(List<Component> cs) {
    requirePathLast(cs);
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
      c.appendTo(sb);
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
      return appendTo(new StringBuilder()).toString();
    }

    /** Appends the text form; a path value (which starts with '/') follows the name directly. */
    private StringBuilder appendTo(StringBuilder sb) {
      sb.append('/').append(protocol.text);
      if (protocol.size != 0) {
        if (!protocol.path) {
          sb.append('/');
        }
        sb.append(valueString());
      }
      return sb;
    }
  }

  /** How a protocol's value is written as text and checked in binary. */
  private enum Codec {
    NONE,
    IP4,
    IP6,
    PORT,
    STRING,
    PATH,
    P2P,
    CERTHASH,
    U64,
    BYTE,
    ONION,
    ONION3,
    GARLIC64,
    GARLIC32,
    HTTP_PATH
  }

  /**
   * The multiaddr protocols (multicodec table, multiformats/multiaddr protocols.csv). Text forms
   * and validation follow go-multiaddr.
   */
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
    P2P_WEBRTC_DIRECT(276, "p2p-webrtc-direct", 0, Codec.NONE),
    WEBRTC_DIRECT(280, "webrtc-direct", 0, Codec.NONE),
    WEBRTC(281, "webrtc", 0, Codec.NONE),
    P2P_CIRCUIT(290, "p2p-circuit", 0, Codec.NONE),
    UDT(301, "udt", 0, Codec.NONE),
    UTP(302, "utp", 0, Codec.NONE),
    UNIX(400, "unix", -1, Codec.PATH),
    P2P(421, "p2p", -1, Codec.P2P),
    HTTPS(443, "https", 0, Codec.NONE),
    ONION(444, "onion", 96, Codec.ONION),
    ONION3(445, "onion3", 296, Codec.ONION3),
    GARLIC64(446, "garlic64", -1, Codec.GARLIC64),
    GARLIC32(447, "garlic32", -1, Codec.GARLIC32),
    TLS(448, "tls", 0, Codec.NONE),
    SNI(449, "sni", -1, Codec.STRING),
    NOISE(454, "noise", 0, Codec.NONE),
    QUIC(460, "quic", 0, Codec.NONE),
    QUIC_V1(461, "quic-v1", 0, Codec.NONE),
    WEBTRANSPORT(465, "webtransport", 0, Codec.NONE),
    CERTHASH(466, "certhash", -1, Codec.CERTHASH),
    WS(477, "ws", 0, Codec.NONE),
    WSS(478, "wss", 0, Codec.NONE),
    P2P_WEBSOCKET_STAR(479, "p2p-websocket-star", 0, Codec.NONE),
    HTTP(480, "http", 0, Codec.NONE),
    HTTP_PATH(481, "http-path", -1, Codec.HTTP_PATH),
    MEMORY(777, "memory", 64, Codec.U64),
    PLAINTEXTV2(7367777, "plaintextv2", 0, Codec.NONE);

    /** Shortest garlic64 (I2P destination) value in bytes. */
    private static final int GARLIC64_MIN_BYTES = 386;

    /** I2P's base64 alphabet: '-' and '~' instead of '+' and '/'. */
    private static final String GARLIC64_ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~";

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
      this.path = codec == Codec.PATH;
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

    /** The binary value of the text value {@code v}, validated. */
    byte[] fromText(String v) {
      byte[] b = switch (codec) {
        case NONE -> new byte[0];
        case IP4 -> IpAddresses.parse4(v);
        case IP6 -> IpAddresses.parse6(v);
        case PORT -> port(parseUnsigned(v, 65535));
        case BYTE -> new byte[] {(byte) parseUnsigned(v, 255)};
        case STRING, PATH -> v.getBytes(StandardCharsets.UTF_8);
        case P2P -> peerIdBytes(v);
        case CERTHASH -> Multibase.decode(v);
        case U64 -> {
          if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not an unsigned 64-bit number");
          }
          try {
            yield ByteBuffer.allocate(8).putLong(Long.parseUnsignedLong(v)).array();
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an unsigned 64-bit number", e);
          }
        }
        case ONION -> onion(v, 16);
        case ONION3 -> onion(v, 56);
        case GARLIC64 -> garlic64(v);
        case GARLIC32 -> {
          if (v.isEmpty() || !v.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
            throw new IllegalArgumentException("not lower-case unpadded base32");
          }
          yield Multibase.BASE32.decodeRaw(v);
        }
        case HTTP_PATH -> PercentEncoding.decode(v);
      };
      validate(b);
      return b;
    }

    /** The text value of the (validated) binary value {@code v}. */
    String toText(byte[] v) {
      return switch (codec) {
        case NONE -> "";
        case IP4, IP6 -> IpAddresses.format(v);
        case PORT -> Integer.toString(port(v, 0));
        case BYTE -> Integer.toString(v[0] & 0xFF);
        case STRING, PATH -> new String(v, StandardCharsets.UTF_8);
        case P2P -> Multibase.BASE58BTC.encodeRaw(v);
        case CERTHASH -> Multibase.BASE64URL.encode(v);
        case U64 -> Long.toUnsignedString(ByteBuffer.wrap(v).getLong());
        case ONION, ONION3 ->
            Multibase.BASE32.encodeRaw(Arrays.copyOf(v, v.length - 2)) + ":" + port(v, v.length - 2);
        case GARLIC64 -> {
          String std = Base64.getEncoder().encodeToString(v);
          yield std.replace('+', '-').replace('/', '~');
        }
        case GARLIC32 -> Multibase.BASE32.encodeRaw(v);
        case HTTP_PATH -> PercentEncoding.encode(v);
      };
    }

    /** Checks a binary value of the right size; bad values are an IllegalArgumentException. */
    void validate(byte[] v) {
      switch (codec) {
        case STRING -> {
          requireNonEmpty(v);
          String s = utf8(v);
          if (s.indexOf('/') >= 0) {
            throw new IllegalArgumentException("multiaddr: " + text + " value contains '/'");
          }
        }
        case PATH -> {
          String s = utf8(v);
          if (s.length() < 2 || s.charAt(0) != '/' || s.endsWith("/")) {
            throw new IllegalArgumentException(
                "multiaddr: " + text + " path '" + s + "' (expected: starts and does not end with '/')");
          }
        }
        case P2P -> {
          Multihash m = Multihash.decode(v);
          // peer ids are identity or 32-byte sha2-256 multihashes (libp2p/specs peer-ids)
          if (!(m.code() == Multihash.IDENTITY
              || (m.code() == Multihash.SHA2_256 && m.digest().length == 32))) {
            throw new IllegalArgumentException(
                "multiaddr: p2p value is not a peer id (expected: identity or 32-byte sha2-256 multihash)");
          }
        }
        case CERTHASH -> Multihash.decode(v);
        case ONION, ONION3 -> {
          if (port(v, v.length - 2) == 0) {
            throw new IllegalArgumentException("multiaddr: " + text + " port 0");
          }
        }
        case GARLIC64 -> {
          if (v.length < GARLIC64_MIN_BYTES) {
            throw new IllegalArgumentException(
                "multiaddr: garlic64 value of " + v.length + " bytes (expected: at least " + GARLIC64_MIN_BYTES + ")");
          }
        }
        case GARLIC32 -> {
          // 32 bytes, or at least 35 for an encrypted lease set (geti2p.net/spec/b32encrypted)
          if (v.length != 32 && v.length < 35) {
            throw new IllegalArgumentException(
                "multiaddr: garlic32 value of " + v.length + " bytes (expected: 32 or at least 35)");
          }
        }
        case HTTP_PATH -> requireNonEmpty(v);
        default -> {
          // fixed sizes are checked by the decoder
        }
      }
    }

    private void requireNonEmpty(byte[] v) {
      if (v.length == 0) {
        throw new IllegalArgumentException("multiaddr: empty " + text + " value");
      }
    }

    private String utf8(byte[] v) {
      String s = new String(v, StandardCharsets.UTF_8);
      if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), v)) {
        throw new IllegalArgumentException("multiaddr: " + text + " value is not UTF-8");
      }
      return s;
    }

    /** A decimal number in 0..max; digits only, leading zeros allowed (as Go's ParseUint). */
    private static int parseUnsigned(String v, int max) {
      if (v.isEmpty()) {
        throw new IllegalArgumentException("not a number in 0.." + max);
      }
      long n = 0;
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c < '0' || c > '9') {
          throw new IllegalArgumentException("not a number in 0.." + max);
        }
        n = n * 10 + (c - '0');
        if (n > max) {
          throw new IllegalArgumentException(v + " is over " + max);
        }
      }
      return (int) n;
    }

    private static byte[] port(int port) {
      return new byte[] {(byte) (port >> 8), (byte) port};
    }

    private static int port(byte[] v, int off) {
      return ((v[off] & 0xFF) << 8) | (v[off + 1] & 0xFF);
    }

    /** Tor: {@code <base32 host of hostChars characters>:<port>}, case-insensitive. */
    private static byte[] onion(String v, int hostChars) {
      int colon = v.indexOf(':');
      if (colon < 0 || v.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("expected: <host>:<port>");
      }
      if (colon != hostChars) {
        throw new IllegalArgumentException("onion host of " + colon + " characters (expected: " + hostChars + ")");
      }
      byte[] host = Multibase.BASE32.decodeRaw(v.substring(0, colon));
      byte[] out = Arrays.copyOf(host, host.length + 2);
      int port = parseUnsigned(v.substring(colon + 1), 65535);
      out[host.length] = (byte) (port >> 8);
      out[host.length + 1] = (byte) port;
      return out;
    }

    /** I2P base64: padded, with its own alphabet. */
    private static byte[] garlic64(String v) {
      if (v.isEmpty() || v.length() % 4 != 0) {
        throw new IllegalArgumentException("i2p base64 of length " + v.length() + " (expected: padded)");
      }
      int end = v.length();
      for (int i = 0; i < 2 && v.charAt(end - 1) == '='; i++) {
        end--;
      }
      for (int i = 0; i < end; i++) {
        if (GARLIC64_ALPHABET.indexOf(v.charAt(i)) < 0) {
          throw new IllegalArgumentException("character '" + v.charAt(i) + "' is not in the i2p base64 alphabet");
        }
      }
      try {
        return Base64.getDecoder().decode(v.replace('-', '+').replace('~', '/'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("bad i2p base64: " + e.getMessage(), e);
      }
    }

    private static byte[] peerIdBytes(String v) {
      if (v.startsWith("Qm") || v.startsWith("1")) {
        return Multibase.BASE58BTC.decodeRaw(v);
      }
      Cid c = Cid.parse(v);
      if (c.codec() != Cid.LIBP2P_KEY) {
        throw new IllegalArgumentException("CID codec 0x" + Long.toHexString(c.codec()) + " is not libp2p-key");
      }
      return c.multihash().toBytes();
    }
  }
}
