package io.jlibp2p.protocol.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.Varint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class IdentifyMessageTest {
  private static IdentifyMessage sample() {
    return new IdentifyMessage(
        Optional.of(new byte[] {8, 1, 18, 32, 1, 2, 3}),
        List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.parse("/ip6/::1/tcp/4001")),
        List.of(ProtocolId.of("/ipfs/ping/1.0.0"), ProtocolId.of("/ipfs/id/1.0.0")),
        Optional.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/5555")),
        Optional.of("ipfs/0.1.0"),
        Optional.of("jlibp2p/test"),
        Optional.of(new byte[] {9, 9, 9}),
        true,
        true);
  }

  private static byte[] wire(IdentifyMessage m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeTo(out);
    return out.toByteArray();
  }

  @Test
  void roundTrip() throws Exception {
    IdentifyMessage m = sample();
    IdentifyMessage back = IdentifyMessage.readFrom(new ByteArrayInputStream(wire(m)));
    assertThat(back.listenAddresses()).isEqualTo(m.listenAddresses());
    assertThat(back.protocols()).isEqualTo(m.protocols());
    assertThat(back.observedAddress()).isEqualTo(m.observedAddress());
    assertThat(back.agentVersion()).isEqualTo(m.agentVersion());
    assertThat(back.protocolVersion()).isEqualTo(m.protocolVersion());
    assertThat(back.publicKey()).hasValueSatisfying(k -> assertThat(k).isEqualTo(m.publicKey().get()));
    assertThat(back.signedPeerRecord()).hasValueSatisfying(r -> assertThat(r).containsExactly(9, 9, 9));
    assertThat(back.hasListenAddresses()).isTrue();
  }

  @Test
  void anEmptyPushMessageChangesNothing() throws Exception {
    IdentifyMessage m = IdentifyMessage.readFrom(new ByteArrayInputStream(new byte[] {0}));
    assertThat(m.hasListenAddresses()).isFalse();
    assertThat(m.hasProtocols()).isFalse();
    assertThat(m.agentVersion()).isEmpty();
  }

  @Test
  void rejectsOversizedTruncatedAndMalformedMessages() {
    byte[] huge = Varint.encode(IdentifyMessage.MAX_MESSAGE_SIZE + 1);
    assertThatThrownBy(() -> IdentifyMessage.readFrom(new ByteArrayInputStream(huge)))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining(String.valueOf(IdentifyMessage.MAX_MESSAGE_SIZE));
    assertThatThrownBy(() -> IdentifyMessage.readFrom(new ByteArrayInputStream(new byte[] {10, 1, 2})))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> IdentifyMessage.readFrom(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(EOFException.class);
    // field 2 (listenAddrs) claiming 100 bytes inside a 3-byte body
    assertThatThrownBy(() -> IdentifyMessage.readFrom(new ByteArrayInputStream(new byte[] {3, 0x12, 100, 1})))
        .isInstanceOf(ProtocolViolationException.class);
  }

  @Test
  void skipsAddressesAndProtocolsItCannotParse() throws Exception {
    // listenAddrs = [garbage, /ip4/1.2.3.4/tcp/1], protocols = ["no-slash", "/ok"]
    byte[] good = Multiaddr.parse("/ip4/1.2.3.4/tcp/1").toBytes();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0x12, 2, (byte) 0xff, (byte) 0xff});
    body.write(0x12);
    body.write(good.length);
    body.write(good);
    body.write(new byte[] {0x1a, 8, 'n', 'o', '-', 's', 'l', 'a', 's', 'h'});
    body.write(new byte[] {0x1a, 3, '/', 'o', 'k'});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Varint.encode(body.size()));
    out.write(body.toByteArray());
    IdentifyMessage m = IdentifyMessage.readFrom(new ByteArrayInputStream(out.toByteArray()));
    assertThat(m.listenAddresses()).containsExactly(Multiaddr.parse("/ip4/1.2.3.4/tcp/1"));
    assertThat(m.protocols()).containsExactly(ProtocolId.of("/ok"));
  }

  @Property
  void garbageIsAMessageOrAnIOException(@ForAll byte[] garbage) {
    try {
      IdentifyMessage.readFrom(new ByteArrayInputStream(garbage));
    } catch (IOException expected) {
      // rejected
    }
  }
}
