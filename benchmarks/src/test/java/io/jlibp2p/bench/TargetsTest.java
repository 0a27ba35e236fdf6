package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.bench.Harness.Ceiling;
import io.jlibp2p.bench.Harness.Outcome;
import io.jlibp2p.bench.Harness.Results;
import io.jlibp2p.bench.Harness.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {
  private static final double MIB = 1 << 20;
  /** The nearby ceiling of every row: 2,000 MiB/s for both ciphers and the socket, 1,500 MiB/s of Noise frames. */
  private static final Ceiling NEARBY = new Ceiling(2000 * MIB, 2000 * MIB, 2000 * MIB, 2000 * MIB, 1000 * MIB, 2000 * MIB, 1500 * MIB);

  /** One second per direction: rates of {@code up} and {@code down} MiB/s, with set-up and ping. */
  private static Outcome side(double up, double down, double setupMs, double pingMs) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("uploadBytes", up * MIB);
    v.put("uploadSeconds", 1.0);
    v.put("downloadBytes", down * MIB);
    v.put("downloadSeconds", 1.0);
    v.put("setupMedianMs", setupMs);
    v.put("pingMedianMs", pingMs);
    return Outcome.ok(v);
  }

  private static Outcome memory(double heapKib, double directKib, double working) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("serverHeapPerConnection", heapKib * 1024);
    v.put("serverDirectPerConnection", directKib * 1024);
    v.put("clientHeapPerConnection", heapKib * 1024);
    v.put("clientDirectPerConnection", 0.0);
    v.put("manyTarget", 5000.0);
    v.put("manyOpen", 5000.0);
    v.put("manyFailed", 0.0);
    v.put("manyWorking", working);
    return Outcome.ok(v);
  }

  /** Every combination at {@code jlibp2p} MiB/s each way against js at 200 (QUIC: 40). */
  private static Results results(double jlibp2p, double quic, double pingMs, Outcome memory) {
    List<Row> rows = new ArrayList<>();
    for (Combination c : Combination.ALL) {
      boolean isQuic = c.name().equals("quic-v1");
      Outcome j = side(isQuic ? quic : jlibp2p, isQuic ? quic : jlibp2p, 2, pingMs);
      Outcome js = side(isQuic ? 40 : 200, isQuic ? 40 : 200, 4, 0.3);
      rows.add(new Row(c, j, js, NEARBY));
    }
    Harness.Config cfg = Harness.Config.smoke(Path.of("."), Path.of("node"), Path.of("."));
    Ceiling start = new Ceiling(3000 * MIB, 3000 * MIB, 9000 * MIB, 9000 * MIB, 1500 * MIB, 3000 * MIB, 2500 * MIB);
    return new Results(Map.of(), cfg, start, start, rows, Outcome.notAvailable("not run"), memory, Duration.ofSeconds(1));
  }

  private static Map<String, Targets.Verdict> byTarget(Results r) {
    Map<String, Targets.Verdict> m = new LinkedHashMap<>();
    for (Targets.Verdict v : Targets.judge(r)) {
      m.put(v.target().substring(0, v.target().indexOf(' ')), v);
    }
    return m;
  }

  @Test
  void everyTargetMetIsSaidSo() {
    List<Targets.Verdict> v = Targets.judge(results(1100, 250, 0.06, memory(60, 0, 5000)));
    assertThat(v).hasSize(9).allSatisfy(x -> assertThat(x.met()).as(x.target() + ": " + x.worst()).isTrue());
  }

  @Test
  void tcpTlsIsComparedWithTheTlsRecordsMeasuredNextToIt() {
    String md = Report.markdown(results(1100, 250, 0.06, memory(60, 0, 5000)));
    String line = md.lines().filter(l -> l.startsWith("jlibp2p TLS against")).findFirst().orElseThrow();
    // 1,100 MiB/s against the nearby 2,000 MiB/s of records with no engine, tcp/tls rows only
    assertThat(line).contains("tcp/tls/yamux upload 0.55 (2,000 MiB/s)", "tcp/tls/mplex download 0.55 (2,000 MiB/s)")
        .doesNotContain("noise", "quic");
  }

  @Test
  void tcpNoiseIsComparedWithTheNoiseFramesMeasuredNextToIt() {
    String md = Report.markdown(results(1100, 250, 0.06, memory(60, 0, 5000)));
    String line = md.lines().filter(l -> l.startsWith("jlibp2p Noise against")).findFirst().orElseThrow();
    // 1,100 MiB/s against the nearby 1,500 MiB/s of frames with no engine, tcp/noise rows only
    assertThat(line).contains("tcp/noise/yamux upload 0.73 (1,500 MiB/s)", "tcp/noise/mplex download 0.73 (1,500 MiB/s)")
        .doesNotContain("tls", "ws/", "quic");
  }

  /** The Noise ceiling is the faster ChaCha20-Poly1305 (the JDK's or Noise's own), unless the socket is slower. */
  @Test
  void noiseCeilingTakesTheFasterChaChaPoly() {
    assertThat(new Ceiling(5000, 400, 3000, 3400, 600, 5000, 0).of(Combination.Ceiling.NOISE)).isEqualTo(600);
    assertThat(new Ceiling(5000, 700, 3000, 3400, 600, 5000, 0).of(Combination.Ceiling.NOISE)).isEqualTo(700);
    assertThat(new Ceiling(500, 700, 3000, 3400, 600, 500, 0).of(Combination.Ceiling.NOISE)).isEqualTo(500);
  }

  /**
   * The TLS ceiling is the faster AES-GCM (jlibp2p's TLS agrees on AES-128-GCM, faster than
   * AES-256-GCM here), unless the socket is slower.
   */
  @Test
  void tlsCeilingTakesTheFasterAesGcm() {
    assertThat(new Ceiling(5000, 700, 3000, 3400, 600, 5000, 0).of(Combination.Ceiling.TLS)).isEqualTo(3400);
    assertThat(new Ceiling(5000, 700, 3000, 2900, 600, 5000, 0).of(Combination.Ceiling.TLS)).isEqualTo(3000);
    assertThat(new Ceiling(3200, 700, 3000, 3400, 600, 3200, 0).of(Combination.Ceiling.TLS)).isEqualTo(3200);
  }

  @Test
  void ratiosUseEachRowsNearbyCeilingNotTheRunsBest() {
    // 1,100 of a nearby 2,000 is 0.55, though the run's best ceilings were 3,000 and 9,000 MiB/s
    Targets.Verdict noise = Targets.judge(results(1100, 250, 0.06, memory(60, 0, 5000))).getFirst();
    assertThat(noise.worst()).startsWith("0.55 (");
    assertThat(noise.met()).isTrue();
  }

  @Test
  void sharesUseTheCeilingMeasuredJustBeforeEachRunWhereThereIsOne() {
    Results r = results(1100, 250, 0.06, memory(60, 0, 5000));
    List<Row> rows = new ArrayList<>(r.rows());
    Row first = rows.getFirst(); // tcp/noise/yamux: 1,100 MiB/s each way, 0.55 of its nearby 2,000
    Map<String, Object> v = new LinkedHashMap<>(first.jlibp2p().values());
    v.put("uploadShare", 0.48);
    v.put("uploadShareMin", 0.41);
    v.put("uploadShareMax", 0.52);
    v.put("uploadRunCeiling", 2300 * MIB);
    rows.set(0, new Row(first.combination(), Outcome.ok(v), first.js(), first.nearby()));
    Results paired = new Results(r.environment(), r.config(), r.ceilingStart(), r.ceilingEnd(), rows, r.sideBySide(), r.memory(), r.elapsed());

    Targets.Verdict noise = byTarget(paired).get("tcp/noise/yamux");
    assertThat(noise.worst()).isEqualTo("0.48 (tcp/noise/yamux upload)");
    assertThat(noise.met()).isFalse();
    // download has no paired figures: the median run over the nearby ceiling
    assertThat(rows.getFirst().share(paired, "download")).hasValueSatisfying(x -> assertThat(x).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9)));
    assertThat(Report.markdown(paired)).contains("| tcp/noise/yamux | upload | 1,100 | 2,300 | 0.48 (0.41–0.52) | 200 | 0.09 | 5.50 |",
        "| tcp/noise/yamux | download | 1,100 | 2,000 | 0.55 | 200 | 0.10 | 5.50 |");
  }

  @Test
  void theWorstFigureDecidesAndIsNamed() {
    Results r = results(900, 150, 0.12, memory(60, 8, 4999));
    Map<String, Targets.Verdict> v = byTarget(r);
    assertThat(v.get("tcp/noise/yamux").met()).isFalse(); // 900 / 2,000 = 0.45
    assertThat(v.get("tcp/noise/yamux").worst()).isEqualTo("0.45 (tcp/noise/yamux upload)");
    assertThat(v.get("tcp/tls/yamux").met()).isTrue(); // 0.45 ≥ 0.4
    assertThat(v.get("quic-v1").met()).isFalse(); // 150 / 40 = 3.75
    assertThat(v.get("quic-v1").worst()).isEqualTo("3.75 (quic-v1 upload)");
    assertThat(v.get("ping").met()).isFalse();
    assertThat(v.get("ping").worst()).startsWith("120 ("); // µs
    assertThat(v.get("idle").met()).isFalse(); // 68 KiB on the listener
    assertThat(v.get("idle").worst()).isEqualTo("68 (listener)");
    assertThat(v.get("5,000").met()).isFalse(); // one connection did not answer
  }

  /** Pairs of ws over tcp ratios, as {@link Harness#sideBySide} reports them. */
  private static Outcome sideBySide(double upload, double download) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("pairs", 1);
    for (String dir : new String[] {"upload", "download"}) {
      double x = dir.equals("upload") ? upload : download;
      v.put(dir + "Ratio", x);
      v.put(dir + "RatioMin", x);
      v.put(dir + "RatioMax", x);
      v.put(dir + "Ratio1", x);
      v.put(dir + "BaseMibps", 1000.0);
      v.put(dir + "OtherMibps", 1000.0 * x);
      v.put(dir + "BaseSenderCpu", 0.6);
      v.put(dir + "BaseReceiverCpu", 0.6);
      v.put(dir + "OtherSenderCpu", 0.7);
      v.put(dir + "OtherReceiverCpu", 0.8);
    }
    return Outcome.ok(v);
  }

  private static Results withSideBySide(Results r, Outcome s) {
    return new Results(r.environment(), r.config(), r.ceilingStart(), r.ceilingEnd(), r.rows(), s, r.memory(), r.elapsed());
  }

  @Test
  void wsAgainstTcpIsJudgedSideBySideWhereMeasured() {
    Results rows = results(1100, 250, 0.06, memory(60, 0, 5000)); // the rows alone: ws 1.00 of tcp
    assertThat(byTarget(rows).get("ws/noise/yamux").worst()).isEqualTo("1 (upload)");

    Results low = withSideBySide(rows, sideBySide(0.85, 0.79));
    Targets.Verdict v = byTarget(low).get("ws/noise/yamux");
    assertThat(v.target()).contains("side by side");
    assertThat(v.worst()).isEqualTo("0.79 (download)");
    assertThat(v.met()).isFalse();
    assertThat(byTarget(withSideBySide(rows, sideBySide(0.85, 0.81))).get("ws/noise/yamux").met()).isTrue();

    String md = Report.markdown(low);
    assertThat(md).contains("| upload | 0.85 | 0.85–0.85 | 1,000 | 850 | 0.60 / 0.60 | 0.70 / 0.80 |",
        "| download | 0.79 | 0.79–0.79 | 1,000 | 790 |", "Each pair's ratio, in order: upload 0.85; download 0.79.");
    assertThat(Report.markdown(rows)).contains("side by side: not available (not run).");
  }

  @Test
  void nothingMeasuredIsNeverMet() {
    List<Row> rows = new ArrayList<>();
    for (Combination c : Combination.ALL) {
      rows.add(new Row(c, Outcome.failed("x"), Outcome.notAvailable("y"), Ceiling.NONE));
    }
    Harness.Config cfg = Harness.Config.smoke(Path.of("."), Path.of("node"), Path.of("."));
    Ceiling c = new Ceiling(MIB, MIB, MIB, MIB, MIB, MIB, MIB);
    Results r = new Results(Map.of(), cfg, c, c, rows, Outcome.notAvailable("not run"), Outcome.notAvailable("not run"), Duration.ZERO);
    assertThat(Targets.judge(r)).allSatisfy(v -> {
      assertThat(v.met()).as(v.target()).isFalse();
      assertThat(v.worst()).isEqualTo("not measured");
    });
  }

  @Test
  void aFailedSideRunsOnceMoreAndTheReportSaysSo() {
    java.util.Iterator<Outcome> tries = List.of(Outcome.failed("timed out"), side(300, 300, 4, 0.3)).iterator();
    Outcome o = Harness.onceMore("test", tries::next);
    assertThat(o.isOk()).isTrue();
    assertThat(o.get("uploadBytes")).contains(300 * MIB);
    assertThat(o.reason()).isEqualTo("the first try failed: timed out");

    Results r = results(1100, 250, 0.06, memory(60, 0, 5000));
    List<Row> rows = new ArrayList<>(r.rows());
    Row first = rows.getFirst();
    rows.set(0, new Row(first.combination(), first.jlibp2p(), o, first.nearby()));
    String md = Report.markdown(new Results(r.environment(), r.config(), r.ceilingStart(), r.ceilingEnd(), rows, r.sideBySide(), r.memory(), r.elapsed()));
    assertThat(md)
        .contains("- tcp/noise/yamux, js-libp2p: measured on a second try; the first try failed: timed out")
        .doesNotContain("Nothing: every combination ran on both sides.");
    assertThat(Report.markdown(r)).contains("Nothing: every combination ran on both sides.");
  }

  @Test
  void aSideIsTriedTwiceAtMost() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Outcome o = Harness.onceMore("test", () -> Outcome.failed("crash " + calls.incrementAndGet()));
    assertThat(calls).hasValue(2);
    assertThat(o.status()).isEqualTo("failed");
    assertThat(o.reason()).isEqualTo("crash 2; the first try failed: crash 1");
    assertThat(Harness.onceMore("test", () -> Outcome.notAvailable("no node")).status()).isEqualTo("not available");
  }
}
