package io.jlibp2p.record;

import static io.jlibp2p.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.Vectors;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PeerRecordTest {
  private static final PrivateKey KEY = PrivateKey.generate(KeyType.ED25519);
  private static final PeerId ID = PeerId.fromPublicKey(KEY.publicKey());

  private static List<Multiaddr> addrs(String... text) {
    return Arrays.stream(text).map(Multiaddr::parse).toList();
  }

  @Test
  void opensPeerRecordsSignedByNimLibp2p() {
    for (String[] row : Vectors.read("/io/jlibp2p/record/peer-record-vectors.txt")) {
      byte[] bytes = hex(row[0]);
      PeerRecord r = PeerRecord.open(bytes);
      assertThat(r.seq()).isEqualTo(Long.parseLong(row[1]));
      assertThat(r.addresses()).isEqualTo(addrs(row[2].split(",")));
      assertThat(r.peerId().toString()).startsWith("16Uiu2");
      Envelope e = Envelope.open(bytes, PeerRecord.DOMAIN);
      assertThat(e.peerId()).isEqualTo(r.peerId());
      // our encoding of the same record is byte-identical to nim's
      assertThat(r.encode()).isEqualTo(e.payload());
    }
  }

  @Test
  void opensPeerRecordsSignedByJsLibp2p() {
    int opened = 0;
    for (String[] row : Vectors.read("/io/jlibp2p/crypto/js-libp2p-vectors.txt")) {
      if (!row[5].equals("-")) {
        PeerRecord r = PeerRecord.open(hex(row[5]));
        assertThat(r.peerId()).isEqualTo(PeerId.parse(row[3]));
        assertThat(r.seq()).isEqualTo(12345L);
        assertThat(r.addresses()).isEqualTo(addrs("/ip4/127.0.0.1/tcp/4001", "/ip6/::1/udp/4001/quic-v1"));
        // re-encoding the record gives js's payload bytes
        assertThat(r.encode()).isEqualTo(Envelope.open(hex(row[5]), PeerRecord.DOMAIN).payload());
        opened++;
      }
    }
    assertThat(opened).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void signAndOpenWithEveryKeyType(KeyType type) {
    PrivateKey key = PrivateKey.generate(type);
    PeerRecord r =
        new PeerRecord(
            PeerId.fromPublicKey(key.publicKey()),
            0x1122334455667788L,
            addrs("/ip4/127.0.0.1/udp/4001/quic-v1", "/ip4/192.168.0.10/tcp/9000"));
    Envelope e = r.sign(key);
    assertThat(e.domain()).isEqualTo(PeerRecord.DOMAIN);
    assertThat(e.payloadType()).containsExactly(0x03, 0x01);
    assertThat(PeerRecord.open(e.toBytes())).isEqualTo(r);
    assertThat(PeerRecord.fromEnvelope(e)).isEqualTo(r);
  }

  @Test
  void encodeDecodeRoundTripIncludingUnsignedSeq() {
    PeerRecord r = new PeerRecord(ID, -1L, addrs("/ip6/::1/tcp/1", "/dns4/example.com/tcp/443/wss"));
    assertThat(PeerRecord.decode(r.encode())).isEqualTo(r);
    PeerRecord empty = new PeerRecord(ID, 0, List.of());
    assertThat(PeerRecord.decode(empty.encode())).isEqualTo(empty);
  }

  @Test
  void rejectsMismatchedSignerDomainAndType() {
    PrivateKey other = PrivateKey.generate(KeyType.ED25519);
    PeerRecord r = new PeerRecord(ID, 1, addrs("/ip4/1.2.3.4/tcp/1"));
    assertThatThrownBy(() -> r.sign(other)).isInstanceOf(IllegalArgumentException.class);
    // a record about ID signed by another key, in the right domain and type
    Envelope forged = Envelope.seal(other, PeerRecord.DOMAIN, PeerRecord.payloadType(), r.encode());
    assertThatThrownBy(() -> PeerRecord.open(forged.toBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match");
    Envelope wrongDomain = Envelope.seal(KEY, "other-domain", PeerRecord.payloadType(), r.encode());
    assertThatThrownBy(() -> PeerRecord.fromEnvelope(wrongDomain)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerRecord.open(wrongDomain.toBytes())).isInstanceOf(IllegalArgumentException.class);
    Envelope wrongType = Envelope.seal(KEY, PeerRecord.DOMAIN, new byte[] {0x03, 0x02}, r.encode());
    assertThatThrownBy(() -> PeerRecord.fromEnvelope(wrongType))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload type");
  }

  @Test
  void boundsTheAddressCount() {
    List<Multiaddr> many = java.util.Collections.nCopies(PeerRecord.MAX_ADDRESSES + 1, Multiaddr.parse("/ip4/1.2.3.4/tcp/1"));
    assertThatThrownBy(() -> new PeerRecord(ID, 1, many)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 1000)
  void decodeOfRandomBytesOnlyThrowsIllegalArgument(@ForAll @Size(max = 200) byte[] bytes) {
    try {
      PeerRecord.decode(bytes);
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }
}
