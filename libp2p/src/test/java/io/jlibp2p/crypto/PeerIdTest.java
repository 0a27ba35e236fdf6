package io.jlibp2p.crypto;

import static io.jlibp2p.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.multiformats.Cid;
import io.jlibp2p.multiformats.Multibase;
import io.jlibp2p.multiformats.Multihash;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PeerIdTest {
  /** Peer ids of the public keys of specs peer-ids.md's vectors (computed independently from the vectors' bytes). */
  private static final Map<String, String> SPEC_KEY_PEER_IDS =
      Map.of(
          "ED25519", "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq",
          "SECP256K1", "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY",
          "ECDSA", "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk",
          "RSA", "QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG");

  @Test
  void parsesTheSpecExamples() {
    for (String[] row : Vectors.read("peer-id-vectors.txt")) {
      PeerId id = PeerId.parse(row[0]);
      assertThat(id.toBytes()).as(row[0]).isEqualTo(hex(row[1]));
      assertThat(PeerId.fromBytes(hex(row[1]))).isEqualTo(id);
      if (!row[0].startsWith("b")) {
        assertThat(id.toString()).isEqualTo(row[0]);
      } else {
        assertThat(id.toCid()).isEqualTo(row[0]);
      }
    }
  }

  @Test
  void peerIdsOfTheSpecKeys() {
    for (String[] row : Vectors.read("key-vectors.txt")) {
      if (row[1].equals("public")) {
        PublicKey key = PublicKey.unmarshal(hex(row[2]));
        PeerId id = PeerId.fromPublicKey(key);
        assertThat(id.toString()).as(row[0]).isEqualTo(SPEC_KEY_PEER_IDS.get(row[0]));
        assertThat(id.matches(key)).isTrue();
        boolean inlined = key.marshal().length <= PeerId.MAX_INLINE_KEY_LENGTH;
        assertThat(id.extractPublicKey()).isEqualTo(inlined ? java.util.Optional.of(key) : java.util.Optional.empty());
        assertThat(id.toBytes()[0]).isEqualTo((byte) (inlined ? Multihash.IDENTITY : Multihash.SHA2_256));
        assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
        assertThat(PeerId.parse(id.toString())).isEqualTo(id);
      }
    }
  }

  @Test
  void peerIdsOfJsLibp2pKeys() {
    for (String[] row : Vectors.read("key-peer-ids.txt")) {
      PrivateKey key = PrivateKey.unmarshal(Base64.getDecoder().decode(row[1]));
      assertThat(PeerId.fromPublicKey(key.publicKey()).toString()).isEqualTo(row[2]);
      assertThat(key.marshal()).isEqualTo(Base64.getDecoder().decode(row[1]));
    }
  }

  @Test
  void peerIdsOfJsLibp2pVectors() {
    int checked = 0;
    for (String[] row : Vectors.read("js-libp2p-vectors.txt")) {
      if (!row[3].equals("-")) {
        assertThat(PeerId.fromPublicKey(PublicKey.unmarshal(hex(row[2]))).toString()).isEqualTo(row[3]);
        assertThat(PeerId.parse(row[3]).matches(PrivateKey.unmarshal(hex(row[1])).publicKey())).isTrue();
        checked++;
      }
    }
    assertThat(checked).isEqualTo(3);
  }

  @Test
  void cidInAnyMultibaseWithTheLibp2pKeyCodec() {
    PeerId id = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
    byte[] cid = new Cid(1, Cid.LIBP2P_KEY, Multihash.decode(id.toBytes())).toBytes();
    assertThat(PeerId.parse(Multibase.BASE58BTC.encode(cid))).isEqualTo(id);
    assertThat(PeerId.parse("f" + HexFormat.of().formatHex(cid))).isEqualTo(id);
    assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
    assertThat(id.toCid()).startsWith("b");
    byte[] raw = new Cid(1, Cid.RAW, Multihash.decode(id.toBytes())).toBytes();
    assertThatThrownBy(() -> PeerId.parse(Multibase.BASE58BTC.encode(raw)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("libp2p-key");
  }

  @Test
  void rejectsBadBinaryAndText() {
    byte[] sha1 = new byte[22];
    sha1[0] = 0x11;
    sha1[1] = 20;
    byte[] shortSha256 = {0x12, 0x01, 0x00};
    byte[] longIdentity = new byte[45];
    longIdentity[1] = 43;
    for (byte[] b : new byte[][] {new byte[0], sha1, shortSha256, longIdentity, new byte[PeerId.MAX_BYTES + 1], {0x12}}) {
      assertThatThrownBy(() -> PeerId.fromBytes(b)).isInstanceOf(IllegalArgumentException.class);
    }
    for (String s : new String[] {"", "Qm", "12D3KooW0OIl", "not a peer id", "1".repeat(PeerId.MAX_TEXT_LENGTH + 1)}) {
      assertThatThrownBy(() -> PeerId.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void equalityOrderAndHashing() {
    PeerId a = PeerId.parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
    PeerId b = PeerId.parse("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe");
    PeerId c = PeerId.parse("12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a.compareTo(b)).isZero();
    assertThat(c.compareTo(a)).isNegative(); // 0x00 < 0x12
    assertThat(a.compareTo(c)).isPositive();
    byte[] bytes = a.toBytes();
    bytes[5] ^= 1;
    assertThat(a.toBytes()).isNotEqualTo(bytes); // a copy
  }

  @Property(tries = 1000)
  void fromBytesOfRandomBytesOnlyThrowsIllegalArgument(@ForAll @Size(max = 60) byte[] bytes) {
    try {
      PeerId id = PeerId.fromBytes(bytes);
      assertThat(PeerId.parse(id.toString())).isEqualTo(id);
      assertThat(PeerId.parse(id.toCid())).isEqualTo(id);
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }

  @Property(tries = 1000)
  void parseOfRandomTextOnlyThrowsIllegalArgument(@ForAll @Size(max = 80) String text) {
    try {
      PeerId.parse(text);
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }
}
