package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MultihashCidTest {
  @Test
  void sha256OfFoo() {
    // multiformats/multihash README: sha2-256 of "foo"
    Multihash m = Multihash.digest(Multihash.SHA2_256, "foo".getBytes(StandardCharsets.UTF_8));
    assertThat(HexFormat.of().formatHex(m.toBytes()))
        .isEqualTo("12202c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
    assertThat(Multihash.decode(m.toBytes())).isEqualTo(m);
  }

  @Test
  void rejectsBadMultihashes() {
    assertThatThrownBy(() -> Multihash.decode(HexFormat.of().parseHex("1203aabb"))).hasMessageContaining("3");
    assertThatThrownBy(() -> Multihash.decode(HexFormat.of().parseHex("12ff0f"))).hasMessageContaining("at most");
    assertThatThrownBy(() -> Multihash.digest(0x1e, new byte[1])).hasMessageContaining("unsupported");
  }

  @Property
  void multihashDecodeOfGarbageOnlyThrowsIllegalArgument(@ForAll byte[] garbage) {
    try {
      Multihash m = Multihash.decode(garbage);
      assertThat(m.toBytes()).isEqualTo(garbage);
    } catch (IllegalArgumentException expected) {
      // rejected
    }
  }

  @Test
  void cidVersions() {
    // a well-known CIDv0 and its CIDv1 form (multiformats/cid README)
    Cid v0 = Cid.parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
    assertThat(v0.version()).isZero();
    assertThat(v0.toString()).isEqualTo("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
    Cid v1 = new Cid(1, Cid.DAG_PB, v0.multihash());
    assertThat(v1.toString()).isEqualTo("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
    assertThat(Cid.parse(v1.toString())).isEqualTo(v1);
    assertThat(Cid.parse(v1.toString(Multibase.BASE58BTC))).isEqualTo(v1);
    assertThat(Cid.decode(v1.toBytes())).isEqualTo(v1);
  }

  @Property
  void cidDecodeOfGarbageOnlyThrowsIllegalArgument(@ForAll byte[] garbage) {
    try {
      Cid.decode(garbage);
    } catch (IllegalArgumentException expected) {
      // rejected
    }
  }
}
