package io.jlibp2p.multiformats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the multibase repository's test vectors (see resources/multiformats/multibase). */
class MultibaseVectorsTest {
  private static final List<String> FILES = List.of(
      "basic.csv", "case_insensitivity.csv", "leading_zero.csv", "two_leading_zeros.csv",
      "test1.csv", "test2.csv", "test3.csv", "test4.csv", "test5.csv", "test6.csv");

  /** Encodings in the vectors that jlibp2p does not implement; their rows are skipped. */
  private static final List<String> UNSUPPORTED = List.of("base256emoji");

  /**
   * One row: {@code text} (prefix included) is {@code input} in {@code encoding}; when {@code
   * canonical} is false the text is a non-canonical spelling that must only decode.
   */
  record Row(String file, String encoding, byte[] input, String text, boolean canonical) {
    @Override
    public String toString() {
      return file + " " + encoding + " " + text;
    }
  }

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (String file : FILES) {
      List<String> lines = lines("/multiformats/multibase/" + file);
      String header = lines.getFirst();
      boolean canonical = !header.startsWith("non-canonical");
      byte[] input = unescape(quoted(header));
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String encoding = line.substring(0, line.indexOf(',')).strip();
        rows.add(new Row(file, encoding, input, quoted(line), canonical));
      }
    }
    return rows;
  }

  static Stream<Row> vectors() {
    return rows().stream();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void row(Row row) {
    Assumptions.assumeFalse(UNSUPPORTED.contains(row.encoding()), "unsupported encoding " + row.encoding());
    Multibase base = Multibase.valueOf(row.encoding().toUpperCase());
    assertThat(Multibase.ofPrefix(row.text().charAt(0))).isEqualTo(base);
    assertThat(Multibase.decode(row.text())).isEqualTo(row.input());
    if (row.canonical()) {
      assertThat(base.encode(row.input())).isEqualTo(row.text());
    }
  }

  @Test
  void everyEncodingOfTheVectorsIsSupportedOrExplicitlySkipped() {
    List<Row> rows = rows();
    List<Row> skipped = rows.stream().filter(r -> UNSUPPORTED.contains(r.encoding())).toList();
    assertThat(rows).hasSize(203);
    // base256emoji in basic.csv, leading_zero.csv and two_leading_zeros.csv
    assertThat(skipped).extracting(Row::file)
        .containsExactly("basic.csv", "leading_zero.csv", "two_leading_zeros.csv");
    for (Row r : rows) {
      if (!UNSUPPORTED.contains(r.encoding())) {
        assertThat(Multibase.valueOf(r.encoding().toUpperCase()).name()).isNotNull();
      }
    }
    // every Multibase constant is exercised by some row
    assertThat(rows.stream().map(Row::encoding).distinct().filter(e -> !UNSUPPORTED.contains(e)).count())
        .isEqualTo(Multibase.values().length);
  }

  private static String quoted(String line) {
    return line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
  }

  /** The input strings are UTF-8 with {@code \xNN} escapes. */
  private static byte[] unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("\\x", i)) {
        out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
        i += 4;
      } else {
        int cp = s.codePointAt(i);
        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
      }
    }
    return out.toByteArray();
  }

  static List<String> lines(String resource) {
    try (InputStream in = MultibaseVectorsTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
