package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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
      "/udp/abc", "/ip6/1.2.3.4", "/nope/1", "/p2p/notbase58!", "/dns4", "/memory/-1",
    };
    for (String s : invalid) {
      assertThatThrownBy(() -> Multiaddr.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Multiaddr.decode(new byte[Multiaddr.MAX_LENGTH + 1])).hasMessageContaining("at most");
    assertThatThrownBy(() -> Multiaddr.decode(HexFormat.of().parseHex("047f0000"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Multiaddr.decode(HexFormat.of().parseHex("35ff01"))).isInstanceOf(IllegalArgumentException.class);
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
}
