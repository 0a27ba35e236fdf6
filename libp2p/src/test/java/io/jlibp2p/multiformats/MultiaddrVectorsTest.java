package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** go-multiaddr's valid, invalid and binary vectors (see resources/multiformats/multiaddr). */
class MultiaddrVectorsTest {
  private static final String EMPTY = "<empty>";

  private static List<String> data(String file) {
    return MultibaseVectorsTest.lines("/multiformats/multiaddr/" + file).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.equals(EMPTY) ? "" : l)
        .toList();
  }

  static List<String> valid() {
    return data("go-valid.txt");
  }

  static List<String> invalid() {
    return data("go-invalid.txt");
  }

  static List<String> binary() {
    return data("go-binary.txt");
  }

  static List<String> invalidBinary() {
    return data("go-invalid-binary.txt");
  }

  @ParameterizedTest
  @MethodSource("valid")
  void validAddressParsesAndRoundTrips(String line) {
    String[] f = line.split(" ");
    String canonical = f.length > 1 ? f[1] : f[0];
    Multiaddr a = Multiaddr.parse(f[0]);
    assertThat(a.toString()).isEqualTo(canonical);
    Multiaddr fromBytes = Multiaddr.decode(a.toBytes());
    assertThat(fromBytes).isEqualTo(a);
    assertThat(fromBytes.toString()).isEqualTo(canonical);
    assertThat(Multiaddr.parse(canonical)).isEqualTo(a);
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidAddressIsRejected(String text) {
    assertThatThrownBy(() -> Multiaddr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void peerIdCidWithAnotherCodecIsRejected() {
    // TestInvalidP2PAddrString: a CIDv1 with the md5 codec (0xd5) over sha2-256("test")
    Multihash hash = Multihash.digest(Multihash.SHA2_256, "test".getBytes(StandardCharsets.UTF_8));
    String cid = new Cid(1, 0xd5, hash).toString();
    assertThatThrownBy(() -> Multiaddr.parse("/p2p/" + cid)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @MethodSource("binary")
  void textAndBinaryFormsMatch(String line) {
    String[] f = line.split(" ");
    byte[] bytes = HexFormat.of().parseHex(f[1]);
    assertThat(HexFormat.of().formatHex(Multiaddr.parse(f[0]).toBytes())).isEqualTo(f[1]);
    assertThat(Multiaddr.decode(bytes).toString()).isEqualTo(f[0]);
  }

  @ParameterizedTest
  @MethodSource("invalidBinary")
  void invalidBinaryIsRejected(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    assertThatThrownBy(() -> Multiaddr.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noVectorIsSkipped() {
    assertThat(valid()).hasSize(105);
    assertThat(invalid()).hasSize(70).contains("");
    assertThat(binary()).hasSize(10);
    assertThat(invalidBinary()).hasSize(2).contains("");
  }
}
