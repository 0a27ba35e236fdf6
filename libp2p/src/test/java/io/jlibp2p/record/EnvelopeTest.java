package io.jlibp2p.record;

import static io.jlibp2p.crypto.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.crypto.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnvelopeTest {
  private static final String DOMAIN = "libp2p-testing";
  private static final byte[] TYPE = "/libp2p/testdata".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAYLOAD = "hello world!".getBytes(StandardCharsets.UTF_8);
  private static final PrivateKey KEY = PrivateKey.generate(KeyType.ED25519);

  @Test
  void opensTheGoLibp2pVector() {
    for (String[] row : Vectors.read("/io/jlibp2p/record/envelope-vectors.txt")) {
      byte[] bytes = hex(row[2]);
      Envelope e = Envelope.open(bytes, row[1]);
      assertThat(e.payloadType()).isEqualTo(hex(row[3]));
      assertThat(e.payload()).isEqualTo(hex(row[4]));
      assertThat(e.domain()).isEqualTo(row[1]);
      assertThat(e.toBytes()).isEqualTo(bytes);
      assertThatThrownBy(() -> Envelope.open(bytes, row[1] + "x"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("signature");
      // the same key signing the same fields gives the same bytes (Ed25519 is deterministic)
      assertThat(Envelope.open(bytes, row[1]).hasPayloadType(hex(row[3]))).isTrue();
    }
  }

  @Test
  void opensJsLibp2pSignedPeerRecordEnvelopes() {
    int opened = 0;
    for (String[] row : Vectors.read("/io/jlibp2p/crypto/js-libp2p-vectors.txt")) {
      if (!row[5].equals("-")) {
        Envelope e = Envelope.open(hex(row[5]), "libp2p-peer-record");
        assertThat(e.payloadType()).containsExactly(0x03, 0x01);
        assertThat(e.peerId()).isEqualTo(PeerId.parse(row[3]));
        assertThat(e.toBytes()).isEqualTo(hex(row[5]));
        opened++;
      }
    }
    assertThat(opened).isEqualTo(3);
  }

  @Test
  void sealedEnvelopeIsByteIdenticalToTheGoEncoding() {
    // Same layout as the go vector: field 1 key, 2 payload type, 3 payload, 5 signature.
    Envelope e = Envelope.seal(KEY, DOMAIN, TYPE, PAYLOAD);
    byte[] bytes = e.toBytes();
    byte[] pub = KEY.publicKey().marshal();
    assertThat(bytes[0]).isEqualTo((byte) 0x0a);
    assertThat(bytes[1]).isEqualTo((byte) pub.length);
    assertThat(Arrays.copyOfRange(bytes, 2, 2 + pub.length)).isEqualTo(pub);
    int off = 2 + pub.length;
    assertThat(bytes[off]).isEqualTo((byte) 0x12);
    assertThat(bytes[off + 1]).isEqualTo((byte) TYPE.length);
    off += 2 + TYPE.length;
    assertThat(bytes[off]).isEqualTo((byte) 0x1a);
    off += 2 + PAYLOAD.length;
    assertThat(bytes[off]).isEqualTo((byte) 0x2a);
    assertThat(bytes[off + 1]).isEqualTo((byte) 64);
    assertThat(bytes).hasSize(off + 2 + 64);
  }

  @Test
  void signsTheLengthPrefixedConcatenation() {
    Envelope e = Envelope.seal(KEY, DOMAIN, TYPE, PAYLOAD);
    byte[] d = DOMAIN.getBytes(StandardCharsets.UTF_8);
    byte[] expected = new byte[3 + d.length + TYPE.length + PAYLOAD.length];
    int off = 0;
    for (byte[] f : new byte[][] {d, TYPE, PAYLOAD}) {
      expected[off++] = (byte) f.length;
      System.arraycopy(f, 0, expected, off, f.length);
      off += f.length;
    }
    assertThat(Envelope.signedBytes(DOMAIN, TYPE, PAYLOAD)).isEqualTo(expected);
    assertThat(KEY.publicKey().verify(expected, e.signature())).isTrue();
    byte[] big = new byte[300];
    byte[] signed = Envelope.signedBytes(DOMAIN, TYPE, big);
    assertThat(signed[1 + d.length + 1 + TYPE.length]).isEqualTo((byte) 0xac); // 300 = 0xac 0x02
    assertThat(signed[2 + d.length + 1 + TYPE.length]).isEqualTo((byte) 0x02);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void sealAndOpenWithEveryKeyType(KeyType type) {
    PrivateKey key = PrivateKey.generate(type);
    Envelope sealed = Envelope.seal(key, DOMAIN, TYPE, PAYLOAD);
    Envelope opened = Envelope.open(sealed.toBytes(), DOMAIN);
    assertThat(opened).isEqualTo(sealed).hasSameHashCodeAs(sealed);
    assertThat(opened.publicKey()).isEqualTo(key.publicKey());
    assertThat(opened.peerId()).isEqualTo(PeerId.fromPublicKey(key.publicKey()));
    assertThat(opened.payload()).isEqualTo(PAYLOAD);
    assertThat(opened.payloadType()).isEqualTo(TYPE);
  }

  @Test
  void everyTamperedByteIsRejected() {
    byte[] bytes = Envelope.seal(KEY, DOMAIN, TYPE, PAYLOAD).toBytes();
    for (int i = 0; i < bytes.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] t = bytes.clone();
        t[i] ^= (byte) (1 << bit);
        int at = i;
        assertThatThrownBy(() -> Envelope.open(t, DOMAIN))
            .as("byte %d bit %d", at, bit)
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
    assertThatThrownBy(() -> Envelope.open(Arrays.copyOf(bytes, bytes.length - 1), DOMAIN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> Envelope.seal(KEY, "", TYPE, PAYLOAD)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Envelope.seal(KEY, DOMAIN, new byte[0], PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Envelope.open(new byte[Envelope.MAX_ENCODED_LENGTH + 1], DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> Envelope.open(new byte[0], DOMAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public key");
    assertThatThrownBy(() -> Envelope.seal(KEY, DOMAIN, TYPE, new byte[Envelope.MAX_ENCODED_LENGTH]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 2000)
  void openOfRandomBytesOnlyThrowsIllegalArgument(@ForAll @Size(max = 300) byte[] bytes) {
    try {
      Envelope.open(bytes, DOMAIN);
    } catch (IllegalArgumentException expected) {
      // fine
    }
  }
}
