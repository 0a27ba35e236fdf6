package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MultiaddrTest {
  @Test
  void textAndBinaryRoundTrip() {
    String[] valid = {
      "/ip4/127.0.0.1/tcp/4001",
      "/ip6/::1/udp/4001/quic-v1",
      "/ip6/2001:db8::ff00:42:8329/tcp/1",
      "/dns4/example.com/tcp/443/wss",
      "/ip4/1.2.3.4/tcp/80/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit",
      "/unix/tmp/p2p.sock",
      "/memory/12345",
      "/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
      "/dns/example.com/tcp/443/tls/sni/example.com/ws",
    };
    for (String s : valid) {
      Multiaddr a = Multiaddr.parse(s);
      assertThat(a.toString()).isEqualTo(s);
      assertThat(Multiaddr.decode(a.toBytes())).isEqualTo(a);
    }
    assertThat(Multiaddr.parse("/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC").toString())
        .isEqualTo("/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
    assertThat(HexFormat.of().formatHex(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").toBytes()))
        .isEqualTo("047f000001060fa1");
  }

  @Test
  void peerIdHelpers() {
    Multiaddr a = Multiaddr.parse("/ip4/1.2.3.4/tcp/80/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
    assertThat(a.peerId()).hasValue("QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC");
    assertThat(a.withoutPeerId()).isEqualTo(Multiaddr.parse("/ip4/1.2.3.4/tcp/80"));
    assertThat(a.decapsulate(Multiaddr.Protocol.TCP)).isEqualTo(Multiaddr.parse("/ip4/1.2.3.4"));
    assertThat(a.valueOf(Multiaddr.Protocol.TCP)).hasValue("80");
  }

  @Test
  void rejectsInvalid() {
    String[] invalid = {
      "", "/", "ip4/1.2.3.4", "/ip4", "/ip4/1.2.3.256", "/ip4/localhost", "/tcp/65536", "/tcp/-1",
      "/udp/abc", "/ip6/1.2.3.4", "/nope/1", "/p2p/notbase58!", "/dns4", "/memory/-1", "/memory/+1",
      "/tcp/+1", "/ip6/1::2::3", "/ip6/1:2:3:4:5:6:7:8:9", "/ip6/1:2:3:4:5:6:7::8", "/ip6/:1::", "/ip6/::1:",
      "/ip6/12345::", "/ip6/::ffff:1.2.3", "/ip6/fe80::1%eth0", "/ip4/::ffff:1.2.3.4", "/ip4/01.2.3.4",
      "/garlic32/566NIXIMLXDZPANMN4QOUUCVUA3K7NENIWSS47LI5R6UGOERTZUQ",
      // a sha2-256 peer id must have a 32-byte digest
      "/p2p/" + Multibase.BASE58BTC.encodeRaw(new Multihash(Multihash.SHA2_256, new byte[20]).toBytes()),
      "/p2p/" + Multibase.BASE58BTC.encodeRaw(Multihash.digest(Multihash.SHA1, new byte[1]).toBytes()),
    };
    for (String s : invalid) {
      assertThatThrownBy(() -> Multiaddr.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Multiaddr.decode(new byte[Multiaddr.MAX_LENGTH + 1])).hasMessageContaining("at most");
    assertThatThrownBy(() -> Multiaddr.decode(HexFormat.of().parseHex("047f0000"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Multiaddr.decode(HexFormat.of().parseHex("35ff01"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textFormsFollowGoMultiaddr() {
    assertThat(Multiaddr.parse("/ip6/0:0:0:0:0:0:0:1/tcp/00080///").toString()).isEqualTo("/ip6/::1/tcp/80");
    assertThat(Multiaddr.parse("/ip6/2001:DB8:0:0:1:0:0:1").toString()).isEqualTo("/ip6/2001:db8::1:0:0:1");
    assertThat(Multiaddr.parse("/ip6/::1.2.3.4").toString()).isEqualTo("/ip6/::102:304");
    assertThat(Multiaddr.parse("/ip6/::FFFF:1.2.3.4").toString()).isEqualTo("/ip6/::ffff:1.2.3.4");
    assertThat(Multiaddr.parse("/onion/TIMAQ4YGG2IEGCI7:80").toString()).isEqualTo("/onion/timaq4ygg2iegci7:80");
    Multiaddr path = Multiaddr.parse("/http-path/a%2Fb+c%7e%2A");
    assertThat(path.toString()).isEqualTo("/http-path/a%2Fb+c~%2A");
    assertThat(path.components().getFirst().value()).isEqualTo("a/b c~*".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Multiaddr.parse("/http-path/%zz")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPathProtocolComesLast() {
    Multiaddr unix = Multiaddr.parse("/unix/tmp/p2p.sock");
    assertThat(unix.components().getFirst().valueString()).isEqualTo("/tmp/p2p.sock");
    assertThat(unix.components().getFirst().toString()).isEqualTo("/unix/tmp/p2p.sock");
    assertThatThrownBy(() -> unix.encapsulate(Multiaddr.parse("/tcp/1"))).isInstanceOf(IllegalArgumentException.class);
    byte[] trailing = HexFormat.of().parseHex(HexFormat.of().formatHex(unix.toBytes()) + "060001");
    assertThatThrownBy(() -> Multiaddr.decode(trailing)).hasMessageContaining("follows the path");
    // the binary path must start, and must not end, with '/'
    assertThatThrownBy(() -> Multiaddr.decode(HexFormat.of().parseHex("900302612f"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(Multiaddr.decode(HexFormat.of().parseHex("9003022f61")).toString()).isEqualTo("/unix/a");
  }

  @Property
  void decodeOfGarbageOnlyThrowsIllegalArgument(@ForAll byte[] garbage) {
    try {
      Multiaddr a = Multiaddr.decode(garbage);
      assertThat(Multiaddr.parse(a.toString())).isEqualTo(a);
    } catch (IllegalArgumentException expected) {
      // rejected
    }
  }

  @Property
  void parseOfGarbageOnlyThrowsIllegalArgument(@ForAll String garbage) {
    try {
      Multiaddr.parse("/" + garbage);
    } catch (IllegalArgumentException expected) {
      // rejected
    }
  }

  /** One generated component: its protocol, its binary value and a text spelling of it. */
  record Part(Multiaddr.Protocol protocol, byte[] value, String text) {}

  /** A generated address: the text built from the parts and the binary form they must encode to. */
  record Generated(String text, byte[] bytes) {
    @Override
    public String toString() {
      return text + " = " + HexFormat.of().formatHex(bytes);
    }
  }

  @Property(tries = 500)
  void generatedAddressesEncodeAsTheModelSays(@ForAll("addresses") Generated g) {
    Multiaddr a = Multiaddr.parse(g.text());
    assertThat(HexFormat.of().formatHex(a.toBytes())).isEqualTo(HexFormat.of().formatHex(g.bytes()));
    Multiaddr decoded = Multiaddr.decode(g.bytes());
    assertThat(decoded).isEqualTo(a);
    String canonical = decoded.toString();
    assertThat(Multiaddr.parse(canonical)).isEqualTo(a);
    assertThat(Multiaddr.parse(canonical).toString()).isEqualTo(canonical);
  }

  @Property(tries = 500)
  void truncatedBinaryIsRejected(@ForAll("addresses") Generated g) {
    byte[] cut = Arrays.copyOf(g.bytes(), g.bytes().length - 1);
    assertThatThrownBy(() -> Multiaddr.decode(cut)).isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<Generated> addresses() {
    return part().list().ofMinSize(1).ofMaxSize(8).map(MultiaddrTest::assemble);
  }

  private static Generated assemble(List<Part> parts) {
    StringBuilder text = new StringBuilder();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Part p : parts) {
      text.append('/').append(p.protocol().text());
      if (p.protocol().size() != 0) {
        text.append('/').append(p.text());
      }
      bytes.writeBytes(Varint.encode(p.protocol().code()));
      if (p.protocol().size() < 0) {
        bytes.writeBytes(Varint.encode(p.value().length));
      }
      bytes.writeBytes(p.value());
    }
    return new Generated(text.toString(), bytes.toByteArray());
  }

  private static Arbitrary<Part> part() {
    Arbitrary<Part> ip4 = Arbitraries.bytes().array(byte[].class).ofSize(4).map(b -> new Part(
        Multiaddr.Protocol.IP4, b, (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF)));
    // a third of the groups zero so that "::" compression is exercised; written out in full here
    Arbitrary<Part> ip6 = Arbitraries.integers().between(0, 0xFFFF).list().ofSize(8)
            .map(groups -> {
              byte[] b = new byte[16];
              StringBuilder t = new StringBuilder();
              for (int i = 0; i < 8; i++) {
                int g = groups.get(i) % 3 == 0 ? 0 : groups.get(i);
                b[2 * i] = (byte) (g >> 8);
                b[2 * i + 1] = (byte) g;
                t.append(i == 0 ? "" : ":").append(Integer.toHexString(g));
              }
              return new Part(Multiaddr.Protocol.IP6, b, t.toString());
            });
    Arbitrary<Part> port = Combinators.combine(
            Arbitraries.of(Multiaddr.Protocol.TCP, Multiaddr.Protocol.UDP), Arbitraries.integers().between(0, 65535))
        .as((p, n) -> new Part(p, new byte[] {(byte) (n >> 8), (byte) n.intValue()}, Integer.toString(n)));
    Arbitrary<Part> dns = Combinators.combine(
            Arbitraries.of(Multiaddr.Protocol.DNS, Multiaddr.Protocol.DNS4, Multiaddr.Protocol.DNS6,
                Multiaddr.Protocol.DNSADDR),
            Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1).ofMaxLength(20)
                .list().ofMinSize(1).ofMaxSize(3))
        .as((p, labels) -> {
          String name = String.join(".", labels);
          return new Part(p, name.getBytes(StandardCharsets.UTF_8), name);
        });
    Arbitrary<Part> flag = Arbitraries.of(Multiaddr.Protocol.QUIC_V1, Multiaddr.Protocol.WS, Multiaddr.Protocol.WSS,
            Multiaddr.Protocol.TLS, Multiaddr.Protocol.NOISE, Multiaddr.Protocol.WEBTRANSPORT,
            Multiaddr.Protocol.P2P_CIRCUIT, Multiaddr.Protocol.WEBRTC_DIRECT)
        .map(p -> new Part(p, new byte[0], ""));
    Arbitrary<Part> p2p = Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(42), Arbitraries.of(true, false),
            Arbitraries.of(true, false))
        .as((data, identity, asCid) -> {
          Multihash mh = identity ? Multihash.digest(Multihash.IDENTITY, data)
              : Multihash.digest(Multihash.SHA2_256, data);
          String text = asCid ? new Cid(1, Cid.LIBP2P_KEY, mh).toString(Multibase.BASE36)
              : Multibase.BASE58BTC.encodeRaw(mh.toBytes());
          return new Part(Multiaddr.Protocol.P2P, mh.toBytes(), text);
        });
    // any multibase whose alphabet has no '/' (so not base64 and base64pad)
    Arbitrary<Multibase> slashFree = Arbitraries.of(Multibase.values())
        .filter(b -> b != Multibase.BASE64 && b != Multibase.BASE64PAD);
    Arbitrary<Part> certhash = Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(64), slashFree)
        .as((data, base) -> {
          byte[] mh = Multihash.digest(Multihash.SHA2_256, data).toBytes();
          return new Part(Multiaddr.Protocol.CERTHASH, mh, base.encode(mh));
        });
    return Arbitraries.oneOf(ip4, ip6, port, dns, flag, p2p, certhash);
  }
}
