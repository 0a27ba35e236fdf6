package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.ProtocolViolationException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class VarintTest {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  /** Vectors from multiformats/unsigned-varint README.md. */
  @Test
  void specVectors() {
    long[] values = {1, 127, 128, 255, 300, 16384};
    String[] encoded = {"01", "7f", "8001", "ff01", "ac02", "808001"};
    for (int i = 0; i < values.length; i++) {
      assertThat(Varint.encode(values[i])).isEqualTo(hex(encoded[i]));
      assertThat(Varint.decode(hex(encoded[i]), 0, encoded[i].length() / 2).value()).isEqualTo(values[i]);
    }
    assertThat(Varint.encode(Long.MAX_VALUE)).hasSize(9);
  }

  @Property
  void roundTrip(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long v) throws Exception {
    byte[] b = Varint.encode(v);
    assertThat(b).hasSize(Varint.encodedLength(v));
    assertThat(Varint.decode(b, 0, b.length)).isEqualTo(new Varint.Decoded(v, b.length));
    assertThat(Varint.read(new ByteArrayInputStream(b))).isEqualTo(v);
  }

  @Property
  void decodeOfGarbageOnlyThrowsIllegalArgument(@ForAll byte[] garbage) {
    try {
      Varint.Decoded d = Varint.decode(garbage, 0, garbage.length);
      assertThat(d.length()).isBetween(1, Varint.MAX_BYTES);
      assertThat(Varint.encode(d.value())).hasSize(d.length());
    } catch (IllegalArgumentException expected) {
      // rejected
    }
  }

  @Test
  void rejectsNonMinimalOverlongAndTruncated() {
    assertThatThrownBy(() -> Varint.decode(hex("8000"), 0, 2)).hasMessageContaining("minimal");
    assertThatThrownBy(() -> Varint.decode(hex("ffffffffffffffffff01"), 0, 10)).hasMessageContaining("longer");
    assertThatThrownBy(() -> Varint.decode(hex("80"), 0, 1)).hasMessageContaining("truncated");
    assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(hex("8100"))))
        .isInstanceOf(ProtocolViolationException.class);
    assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(hex("81"))))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> Varint.encode(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readLengthEnforcesItsLimit() throws Exception {
    assertThat(Varint.readLength(new ByteArrayInputStream(hex("ac02")), 300)).isEqualTo(300);
    assertThat(Varint.readLength(new ByteArrayInputStream(new byte[0]), 300)).isEqualTo(-1);
    assertThatThrownBy(() -> Varint.readLength(new ByteArrayInputStream(hex("ad02")), 300))
        .isInstanceOf(ProtocolViolationException.class)
        .hasMessageContaining("301")
        .hasMessageContaining("300");
  }
}
