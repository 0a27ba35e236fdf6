package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the multihash repository's test cases (see resources/multiformats/multihash). */
class MultihashVectorsTest {
  /** The file's algorithm names; "sha3" is sha3-512. */
  private static final Map<String, Integer> CODES = Map.of(
      "sha1", Multihash.SHA1,
      "sha2-256", Multihash.SHA2_256,
      "sha2-512", Multihash.SHA2_512,
      "sha3", Multihash.SHA3_512);

  static List<String> vectors() {
    List<String> lines = MultibaseVectorsTest.lines("/multiformats/multihash/test_cases.csv");
    assertThat(lines.getFirst()).isEqualTo("algorithm,bits,input,multihash");
    return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void row(String line) {
    String[] f = line.split(",");
    int code = CODES.get(f[0]);
    int bytes = Integer.parseInt(f[1]) / 8;
    byte[] expected = HexFormat.of().parseHex(f[3]);

    Multihash full = Multihash.digest(code, f[2].getBytes(StandardCharsets.US_ASCII));
    Multihash truncated = new Multihash(code, Arrays.copyOf(full.digest(), bytes));
    assertThat(HexFormat.of().formatHex(truncated.toBytes())).isEqualTo(f[3]);

    Multihash decoded = Multihash.decode(expected);
    assertThat(decoded).isEqualTo(truncated);
    assertThat(decoded.code()).isEqualTo(code);
    assertThat(decoded.digest()).hasSize(bytes);
  }

  @Test
  void noRowIsSkipped() {
    List<String> rows = vectors();
    assertThat(rows).hasSize(260);
    assertThat(rows).allSatisfy(r -> assertThat(Multihash.isSupported(CODES.get(r.split(",")[0]))).isTrue());
  }
}
