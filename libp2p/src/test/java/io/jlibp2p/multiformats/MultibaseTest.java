package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class MultibaseTest {
  @Property
  void everyBaseRoundTrips(@ForAll byte[] data, @ForAll Multibase base) {
    String text = base.encode(data);
    assertThat(text.charAt(0)).isEqualTo(base.prefix());
    assertThat(Multibase.decode(text)).isEqualTo(data);
  }

  @Property
  void caseInsensitiveBasesDecodeEitherCase(@ForAll byte[] data, @ForAll Multibase base) {
    String raw = base.encodeRaw(data);
    boolean caseInsensitive = base.name().startsWith("BASE16") || base.name().startsWith("BASE36")
        || (base.name().startsWith("BASE32") && base != Multibase.BASE32Z);
    if (caseInsensitive) {
      assertThat(base.decodeRaw(raw.toUpperCase())).isEqualTo(data);
      assertThat(base.decodeRaw(raw.toLowerCase())).isEqualTo(data);
    } else if (!raw.equals(raw.toUpperCase())) {
      assertThatThrownBy(() -> assertThat(base.decodeRaw(raw.toUpperCase())).isEqualTo(data))
          .isInstanceOfAny(IllegalArgumentException.class, AssertionError.class);
    }
  }

  @Property
  void garbageOnlyThrowsIllegalArgument(@ForAll String text) {
    try {
      Multibase.decode(text);
    } catch (IllegalArgumentException expected) {
      // rejected
    }
  }

  @Test
  void knownEncodings() {
    byte[] data = "yes mani !".getBytes(StandardCharsets.UTF_8);
    // multiformats/multibase tests/basic.csv
    assertThat(Multibase.BASE58BTC.encode(data)).isEqualTo("z7paNL19xttacUY");
    assertThat(Multibase.BASE32.encode(data)).isEqualTo("bpfsxgidnmfxgsibb");
    assertThat(Multibase.BASE36.encode(data)).isEqualTo("k2lcpzo5yikidynfl");
    assertThat(Multibase.BASE16.encode(data)).isEqualTo("f796573206d616e692021");
    assertThat(Multibase.BASE64.encode(data)).isEqualTo("meWVzIG1hbmkgIQ");
    assertThat(Multibase.BASE32PAD.encode(data)).isEqualTo("cpfsxgidnmfxgsibb");
    assertThat(Multibase.BASE58BTC.encodeRaw(new byte[] {0, 0, 1})).isEqualTo("112");
    assertThat(Multibase.BASE58BTC.decodeRaw("112")).containsExactly(0, 0, 1);
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> Multibase.decode("z0OIl")).hasMessageContaining("alphabet");
    assertThatThrownBy(() -> Multibase.decode("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Multibase.decode("?abc")).hasMessageContaining("prefix");
    assertThatThrownBy(() -> Multibase.decode("fabc")).hasMessageContaining("length");
    assertThatThrownBy(() -> Multibase.decode("cpfsxgidnmfxgsibb=")).hasMessageContaining("padding");
    assertThatThrownBy(() -> Multibase.decode("c========")).hasMessageContaining("padding");
    assertThatThrownBy(() -> Multibase.decode("hPFSX")).hasMessageContaining("alphabet");
    assertThatThrownBy(() -> Multibase.BASE58BTC.decodeRaw("2".repeat(Multibase.MAX_RADIX_TEXT_LENGTH + 1)))
        .hasMessageContaining("at most");
  }
}
