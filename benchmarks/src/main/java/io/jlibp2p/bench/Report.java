package io.jlibp2p.bench;

import io.jlibp2p.bench.Harness.Outcome;
import io.jlibp2p.bench.Harness.Results;
import io.jlibp2p.bench.Harness.Row;
import io.jlibp2p.security.noise.internal.CipherState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** The Markdown report of a harness run. */
final class Report {
  private static final double MIB = 1 << 20;

  private Report() {}

  /** A line of each combination's set-up warm-up times (jlibp2p / js), or nothing if none has them. */
  private static String setupWarmups(Results r) {
    return warmups(r, "setupWarmupSeconds", "Set-up warm-up times (jlibp2p / js)");
  }

  /** A line of each combination's ping warm-up times (jlibp2p / js), or nothing if none has them. */
  private static String pingWarmups(Results r) {
    return warmups(r, "pingWarmupSeconds", "Ping warm-up times (jlibp2p / js)");
  }

  private static String warmups(Results r, String key, String title) {
    StringBuilder b = new StringBuilder();
    for (Row row : r.rows()) {
      Optional<Double> j = row.jlibp2p().get(key);
      if (j.isEmpty()) {
        continue;
      }
      Optional<Double> js = row.js().get(key);
      b.append(b.isEmpty() ? "" : ", ").append(row.combination().name())
          .append(String.format(Locale.ROOT, " %.1f s", j.get()))
          .append(js.map(x -> String.format(Locale.ROOT, " / %.1f s", x)).orElse(""));
    }
    return b.isEmpty() ? "" : "\n" + title + ": " + b + ".";
  }

  /**
   * Each row that {@code which} selects against {@code baseline}, its figure with no engine measured
   * next to it; a line headed {@code title}, or nothing when no row has both.
   */
  private static void againstNoEngine(StringBuilder b, Results r, Predicate<Combination> which,
      ToDoubleFunction<Harness.Ceiling> baseline, String title) {
    StringBuilder line = new StringBuilder();
    for (Row row : r.rows()) {
      if (!which.test(row.combination())) {
        continue;
      }
      double base = baseline.applyAsDouble(row.nearby());
      for (String dir : new String[] {"upload", "download"}) {
        Optional<Double> j = row.jlibp2p().rate(dir);
        if (j.isPresent() && base > 0) {
          line.append(line.isEmpty() ? "" : ", ").append(row.combination().name()).append(' ').append(dir).append(' ')
              .append(ratio(j.get() / base)).append(" (").append(mib(base)).append(" MiB/s)");
        }
      }
    }
    if (!line.isEmpty()) {
      b.append('\n').append(title).append(", measured next to it (see the ceilings): ").append(line).append(".\n");
    }
  }

  /** ws/noise/yamux against tcp/noise/yamux, as measured and with each over its ceiling. */
  private static void wsAgainstTcp(StringBuilder b, Results r) {
    Optional<Row> ws = Targets.row(r, "ws/noise/yamux");
    Optional<Row> tcp = Targets.row(r, "tcp/noise/yamux");
    if (ws.isEmpty() || tcp.isEmpty()) {
      return;
    }
    StringBuilder line = new StringBuilder();
    for (String dir : new String[] {"upload", "download"}) {
      Optional<Double> w = ws.get().jlibp2p().rate(dir);
      Optional<Double> t = tcp.get().jlibp2p().rate(dir);
      if (w.isPresent() && t.isPresent()) {
        double measured = w.get() / t.get();
        double normalised = ws.get().share(r, dir).orElseThrow() / tcp.get().share(r, dir).orElseThrow();
        line.append(line.isEmpty() ? "" : "; ").append(dir).append(' ').append(ratio(measured))
            .append(" as measured, ").append(ratio(normalised)).append(" of their ratios to their ceilings");
      }
    }
    if (!line.isEmpty()) {
      b.append("\njlibp2p ws/noise/yamux against tcp/noise/yamux: ").append(line).append(".\n");
    }
    sideBySide(b, r);
  }

  /** The side-by-side measurement of ws against tcp (see {@link Harness#sideBySide}). */
  private static void sideBySide(StringBuilder b, Results r) {
    Outcome s = r.sideBySide();
    if (!s.isOk()) {
      b.append("\nws/noise/yamux against tcp/noise/yamux side by side: ").append(s.status())
          .append(s.reason().isEmpty() ? "" : " (" + s.reason() + ")").append(".\n");
      return;
    }
    int pairs = (int) Math.round(s.get("pairs").orElse(0.0));
    b.append(String.format(Locale.ROOT,
        "\nThe same two measured side by side, after the rows: a fresh server and client JVM of each, both connections warmed up\n"
            + "as the rows' are, then %d pairs of runs, one of each combination (%s up, then %s down), which goes first\n"
            + "alternating from pair to pair. A pair's ratio is ws over tcp; the figure is the median pair's.\n\n",
        pairs, size(r.config().jlibp2pBytes()), size(r.config().jlibp2pBytes())));
    b.append("| direction | ws / tcp, median pair | pairs, lowest–highest | tcp MiB/s | ws MiB/s | tcp CPU s/GiB sender / receiver | ws CPU s/GiB sender / receiver |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (String dir : new String[] {"upload", "download"}) {
      b.append("| ").append(dir)
          .append(" | ").append(s.get(dir + "Ratio").map(Report::ratio).orElse("–"))
          .append(" | ").append(ratio(s.get(dir + "RatioMin").orElse(Double.NaN))).append("–")
          .append(ratio(s.get(dir + "RatioMax").orElse(Double.NaN)))
          .append(" | ").append(s.get(dir + "BaseMibps").map(x -> mib(x * MIB)).orElse("–"))
          .append(" | ").append(s.get(dir + "OtherMibps").map(x -> mib(x * MIB)).orElse("–"))
          .append(" | ").append(cpuPair(s, dir + "Base")).append(" | ").append(cpuPair(s, dir + "Other")).append(" |\n");
    }
    StringBuilder each = new StringBuilder();
    for (String dir : new String[] {"upload", "download"}) {
      each.append(each.isEmpty() ? "" : "; ").append(dir);
      for (int i = 1; i <= pairs; i++) {
        each.append(i == 1 ? " " : ", ").append(s.get(dir + "Ratio" + i).map(Report::ratio).orElse("–"));
      }
    }
    b.append("\nEach pair's ratio, in order: ").append(each).append(".\n");
  }

  private static String cpuPair(Outcome s, String prefix) {
    Optional<Double> sender = s.get(prefix + "SenderCpu");
    Optional<Double> receiver = s.get(prefix + "ReceiverCpu");
    return sender.isPresent() && receiver.isPresent() && !sender.get().isNaN()
        ? ratio(sender.get()) + " / " + ratio(receiver.get())
        : "–";
  }

  static String markdown(Results r) {
    StringBuilder b = new StringBuilder();
    Harness.Config cfg = r.config();
    Harness.Ceiling ceil = r.ceiling();
    b.append("# jlibp2p benchmark results\n\n");
    b.append("Written by `benchmarks/run` (the harness `io.jlibp2p.bench.Harness`); every figure below comes from one run\n");
    b.append("on loopback, each side of a measurement in its own process (a JVM or a node). The machine is shared with\n");
    b.append("other work (the load averages and the CPU taken by other guests below say how busy it was): absolute\n");
    b.append("figures are noisy, compare the ratios, which were measured side by side.\n\n");
    b.append("## Machine\n\n| | |\n|---|---|\n");
    r.environment().forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    b.append("| harness run time | ").append(r.elapsed().toSeconds()).append(" s |\n\n");

    b.append("## Targets\n\n");
    b.append("Judged from this run alone, each by its worst figure (details in the sections below).\n\n");
    b.append("| target | worst figure in this run | met |\n|---|---|---|\n");
    for (Targets.Verdict v : Targets.judge(r)) {
      b.append("| ").append(v.target()).append(" | ").append(v.worst()).append(" | ").append(v.met() ? "yes" : "**no**").append(" |\n");
    }
    b.append("\n");

    Harness.Ceiling s = r.ceilingStart();
    Harness.Ceiling e = r.ceilingEnd();
    b.append("## Ceilings (harness JVM, same run)\n\n");
    b.append("Each is the best of three runs, measured before and after the combinations. The throughput ratios below\n"
        + "use the ceilings measured next to each combination instead (see there); these frame the run.\n\n");
    b.append("| what | MiB/s before | MiB/s after | MiB/s used |\n|---|---:|---:|---:|\n");
    ceilingRow(b, "raw JDK socket, one TCP connection on loopback, 1 MiB writes", Harness.Ceiling::socket, s, e, ceil);
    ceilingRow(b, "ChaCha20-Poly1305 encryption, one core, 64 KiB frames (JDK)", Harness.Ceiling::chacha20Poly1305, s, e, ceil);
    ceilingRow(b, "ChaCha20-Poly1305 encryption as jlibp2p's Noise computes it, one core, 64 KiB frames ("
        + CipherState.description() + ")", Harness.Ceiling::noiseChaCha20Poly1305, s, e, ceil);
    ceilingRow(b, "AES-256-GCM encryption, one core, 64 KiB frames (JDK)", Harness.Ceiling::aes256Gcm, s, e, ceil);
    ceilingRow(b, "AES-128-GCM encryption, one core, 64 KiB frames (JDK)", Harness.Ceiling::aes128Gcm, s, e, ceil);
    b.append("| **Noise ceiling** = min(socket, the faster ChaCha20-Poly1305) | | | **").append(mib(ceil.of(Combination.Ceiling.NOISE))).append("** |\n");
    b.append("| **TLS ceiling** = min(socket, the faster AES-GCM) (also used for QUIC) | | | **").append(mib(ceil.of(Combination.Ceiling.TLS))).append("** |\n");
    ceilingRow(b, "not a ceiling of the targets: AES-128-GCM TLS records over one TCP connection on loopback, no TLS engine "
        + "(records of 16 KiB of data sealed by one thread with the JDK's cipher, eight per write, opened by another)", Harness.Ceiling::aes128GcmRecords, s, e, ceil);
    ceilingRow(b, "not a ceiling of the targets: Noise transport frames over one TCP connection on loopback, no Noise engine "
        + "(frames of 65,519 bytes of data sealed by one thread as jlibp2p's Noise computes ChaCha20-Poly1305, one per write, "
        + "opened by another; jlibp2p's socket I/O)", Harness.Ceiling::noiseFrames, s, e, ceil);
    b.append("\nThe last two rows are what a TLS stack that protects each full record with the JDK's AES-GCM, and a Noise stack\n"
        + "that seals full frames with jlibp2p's ChaCha20-Poly1305, can move on this machine at best: sealing, the socket and\n"
        + "opening, a thread each side, with nothing else (no engine state, muxer or application reads). Unlike the ceilings\n"
        + "above, each pays for its cipher and the socket on the same core.\n\n");
    b.append("Two jlibp2p peers agree on TLS_AES_128_GCM_SHA256 (jlibp2p's TLS prefers it, as go-libp2p does);\n"
        + "two js-libp2p peers agree on TLS_AES_256_GCM_SHA384 (Node's default order). The TLS ceiling uses the\n"
        + "faster of the two AES-GCM figures, so that no stack is measured against a cipher slower than its own.\n\n");

    b.append("## Throughput (one /perf/1.0.0 stream, one connection)\n\n");
    b.append(String.format(Locale.ROOT, "jlibp2p moves %s per run, js-libp2p %s; each side makes %d upload and %d download runs, alternating, and each direction's\n"
            + "figure is its median run (the slowest and fastest run in brackets; the CPU time is the median run's). Before that, each side warms up with rounds of %s (js: %s) each way, so that the runtime's compilers are done:\n"
            + "the jlibp2p rounds repeat for at least %s s and until, over a second or more of rounds, both JVMs' compilers were busy for at most %.0f%% of the time (at most %s s);\n"
            + "the js rounds then repeat for as long as the jlibp2p ones took on the same combination (at least %s s).",
        size(cfg.jlibp2pBytes()), size(cfg.jsBytes()), Harness.THROUGHPUT_RUNS, Harness.THROUGHPUT_RUNS, size(cfg.jlibp2pWarmup()), size(cfg.jsWarmup()),
        cfg.warmupTime().toMillis() / 1000.0, BenchAgent.QUIET_COMPILERS * 100, cfg.warmupLimit().toMillis() / 1000.0,
        cfg.warmupTime().toMillis() / 1000.0));
    StringBuilder warm = new StringBuilder();
    for (Row row : r.rows()) {
      row.jlibp2p().get("warmupSeconds").ifPresent(w -> warm.append(warm.isEmpty() ? "" : ", ")
          .append(row.combination().name()).append(String.format(Locale.ROOT, " %.1f s", w)));
    }
    b.append(warm.isEmpty() ? "\n" : " Warm-up times: " + warm + ".\n");
    b.append("Timed from the stream's opening to the end of the server's reply, so that no byte is still in flight.\n\n");
    b.append("The machine's speed drifts during a run, even from one run to the next, so each jlibp2p run follows a measurement of\n"
        + "its row's ceiling (a short run of the socket and the row's cipher, in the harness JVM while both benchmark JVMs wait).\n"
        + "jlibp2p / ceiling is the median of each run's ratio to the ceiling measured just before it (the lowest and highest in\n"
        + "brackets); the ceiling column is the median of those ceilings, and js / ceiling uses it too.\n");
    b.append("The last column is the CPU time the jlibp2p sender and receiver processes spent per GiB, less noisy than throughput on a shared machine.\n\n");
    b.append("| combination | direction | jlibp2p MiB/s | ceiling MiB/s | jlibp2p / ceiling | js-libp2p MiB/s | js / ceiling | jlibp2p / js | jlibp2p CPU s/GiB sender / receiver |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : r.rows()) {
      for (String dir : new String[] {"upload", "download"}) {
        double c = row.ceiling(r, dir);
        Optional<Double> j = row.jlibp2p().rate(dir);
        Optional<Double> js = row.js().rate(dir);
        b.append("| ").append(row.combination().name()).append(" | ").append(dir)
            .append(" | ").append(j.map(x -> mib(x) + range(row.jlibp2p(), dir)).orElse(status(row.jlibp2p())))
            .append(" | ").append(mib(c))
            .append(" | ").append(row.share(r, dir).map(x -> ratio(x) + shareRange(row.jlibp2p(), dir)).orElse("–"))
            .append(" | ").append(js.map(x -> mib(x) + range(row.js(), dir)).orElse(status(row.js())))
            .append(" | ").append(js.map(x -> ratio(x / c)).orElse("–"))
            .append(" | ").append(j.isPresent() && js.isPresent() ? ratio(j.get() / js.get()) : "–")
            .append(" | ").append(row.jlibp2p().cpuPerGib(dir).map(cpu -> ratio(cpu[0]) + " / " + ratio(cpu[1])).orElse("–"))
            .append(" |\n");
      }
    }

    if (r.rows().stream().anyMatch(row -> row.combination().name().equals("quic-v1"))) {
      // the size is QuicEngine.LOOPBACK_UDP_PAYLOAD
      b.append("\nquic-v1 on loopback: jlibp2p's QUIC sockets bound to a loopback address, as here, send and accept datagrams of up to\n"
          + "16,000 bytes on Linux (elsewhere 1,452; -Djlibp2p.quic.loopbackPayload lowers it); js-libp2p's QUIC (quinn, path MTU discovery up to 1,452 bytes by default) sends at most 1,452.\n");
    }
    wsAgainstTcp(b, r);
    againstNoEngine(b, r, Combination::isTcpNoise, Harness.Ceiling::noiseFrames,
        "jlibp2p Noise against Noise frames with no engine");
    againstNoEngine(b, r, Combination::isTcpTls, Harness.Ceiling::aes128GcmRecords,
        "jlibp2p TLS against AES-128-GCM TLS records with no engine");

    b.append("\n## Connections and streams\n\n");
    b.append(String.format(Locale.ROOT,
        "Set-up: median of %d fresh connections, from dial to the reply of one ping on a new stream (handshake plus one\n"
            + "round trip, as the libp2p test-plans measure it). Ping: median of %d × %d round trips of 32 bytes on one\n"
            + "connection, in blocks of one stream each, taken after the warm-up, after the streams test and after the\n"
            + "set-up test, so that one busy stretch of the machine does not decide it (each block's own median in brackets).\n"
            + "Set-up times only after untimed fresh connections, so that both runtimes are warm (a TLS stack keeps the JVM's\n"
            + "compilers busy for thousands of handshakes): the jlibp2p ones, at least %d, go on for at least %.1f s and until\n"
            + "both JVMs' compilers are quiet as in the throughput warm-up (at most %.1f s, unless the least count takes longer), the js ones,\n"
            + "as many, for as long as the jlibp2p ones took on the same combination.%s\n"
            + "Ping only after untimed rounds: the jlibp2p ones for at least %.1f s and until both JVMs' compilers are quiet as\n"
            + "in the throughput warm-up (at most %.1f s), the js ones for as long as the jlibp2p ones took, and at least as long\n"
            + "as its throughput warm-up.%s\n"
            + "Streams: %d streams on one connection, %d in flight, each negotiating /perf/1.0.0 and finishing an empty run.\n"
            + "Connections: %d connections dialed to one listener and closed, %d in flight. Lower is better for times,\n"
            + "higher for rates; the ratio is jlibp2p / js-libp2p either way.\n\n",
        cfg.setup(), BenchAgent.PING_BLOCKS, cfg.pings(), Math.max(cfg.setup(), cfg.setupWarmup()), cfg.warmupTime().toMillis() / 1000.0,
        cfg.warmupLimit().toMillis() / 1000.0, setupWarmups(r), cfg.warmupTime().toMillis() / 1000.0,
        cfg.warmupLimit().toMillis() / 1000.0, pingWarmups(r), cfg.streams(), cfg.concurrency(),
        cfg.connections(), cfg.concurrency()));
    b.append("| combination | | set-up ms | ping RTT ms | new streams/s | connections/s |\n|---|---|---:|---:|---:|---:|\n");
    for (Row row : r.rows()) {
      String n = row.combination().name();
      b.append(line(n, "jlibp2p", row.jlibp2p(), Report::value));
      b.append(line("", "js-libp2p", row.js(), Report::value));
      if (row.jlibp2p().isOk() && row.js().isOk()) {
        b.append("| | jlibp2p / js");
        for (String k : new String[] {"setupMedianMs", "pingMedianMs", "streamsPerSecond", "connectionsPerSecond"}) {
          Optional<Double> j = row.jlibp2p().get(k);
          Optional<Double> js = row.js().get(k);
          b.append(" | ").append(j.isPresent() && js.isPresent() ? ratio(j.get() / js.get()) : "–");
        }
        b.append(" |\n");
      }
    }

    b.append("\n## Memory and many connections (jlibp2p, tcp/noise/yamux)\n\n");
    Outcome m = r.memory();
    if (!m.isOk()) {
      b.append(status(m)).append("\n");
    } else {
      Map<String, Double> v = m.values();
      b.append(String.format(Locale.ROOT,
          "%d idle connections from one dialer JVM to one listener JVM (each connection ran identify, nothing else);\n"
              + "heap and direct memory in use after `System.gc()`, before and after, divided by the connections added.\n\n",
          cfg.idleConnections()));
      b.append("| per idle connection | heap | direct |\n|---|---:|---:|\n");
      b.append("| listener | ").append(kib(v.get("serverHeapPerConnection"))).append(" | ").append(kib(v.get("serverDirectPerConnection"))).append(" |\n");
      b.append("| dialer | ").append(kib(v.get("clientHeapPerConnection"))).append(" | ").append(kib(v.get("clientDirectPerConnection"))).append(" |\n\n");
      boolean works = v.get("manyOpen") >= v.get("manyTarget") && v.get("manyFailed") == 0
          && v.get("manyWorking") >= v.get("manyTarget");
      b.append(String.format(Locale.ROOT,
          "**%,d concurrent connections on one node: %s.** %,.0f open on the dialer (%,.0f failed), %,.0f seen by the listener, "
              + "%,.0f answered a ping on a new stream; the last %,d opened in %.1f s, 32 dials in flight.\n",
          (long) (double) v.get("manyTarget"), works ? "yes" : "no", v.get("manyOpen"), v.get("manyFailed"),
          v.get("manyServerConnections"), v.get("manyWorking"), cfg.manyConnections() - cfg.idleConnections(),
          v.get("manyOpenSeconds")));
    }
    b.append("\n## Not measured here, or only on a second try\n\n");
    List<String> notes = new ArrayList<>();
    for (Row row : r.rows()) {
      failure(notes, row.combination().name() + ", jlibp2p", row.jlibp2p());
      failure(notes, row.combination().name() + ", js-libp2p", row.js());
    }
    for (Row row : r.rows()) {
      secondTry(notes, row.combination().name() + ", jlibp2p", row.jlibp2p());
      secondTry(notes, row.combination().name() + ", js-libp2p", row.js());
    }
    if (notes.isEmpty()) {
      b.append("Nothing: every combination ran on both sides.\n");
    }
    notes.forEach(n -> b.append("- ").append(n).append("\n"));
    return b.toString();
  }

  /** A line for a side that was not measured. */
  private static void failure(List<String> notes, String side, Outcome o) {
    if (!o.isOk()) {
      notes.add(side + ": " + status(o) + " — " + o.reason());
    }
  }

  /** A line for a side measured only on its second try. */
  private static void secondTry(List<String> notes, String side, Outcome o) {
    if (o.isOk() && !o.reason().isEmpty()) {
      notes.add(side + ": measured on a second try; " + o.reason());
    }
  }

  /** One measured row of the ceilings table: the figure before, after, and the one used. */
  private static void ceilingRow(StringBuilder b, String what, ToDoubleFunction<Harness.Ceiling> figure,
      Harness.Ceiling before, Harness.Ceiling after, Harness.Ceiling used) {
    b.append("| ").append(what).append(" | ").append(mib(figure.applyAsDouble(before))).append(" | ")
        .append(mib(figure.applyAsDouble(after))).append(" | ").append(mib(figure.applyAsDouble(used))).append(" |\n");
  }

  private static String line(String name, String impl, Outcome o, Function<Double, String> f) {
    StringBuilder b = new StringBuilder("| ").append(name).append(" | ").append(impl);
    for (String k : new String[] {"setupMedianMs", "pingMedianMs", "streamsPerSecond", "connectionsPerSecond"}) {
      // a ping takes tens of microseconds: three decimals of a millisecond
      Function<Double, String> format = k.equals("pingMedianMs") ? Report::ms3 : f;
      b.append(" | ").append(o.get(k).map(format).orElse(status(o)));
      if (k.equals("pingMedianMs") && o.get("pingBlock1Ms").isPresent()) {
        StringBuilder blocks = new StringBuilder();
        for (int i = 1; o.get("pingBlock" + i + "Ms").isPresent(); i++) {
          blocks.append(i > 1 ? " / " : "").append(ms3(o.get("pingBlock" + i + "Ms").get()));
        }
        b.append(" (").append(blocks).append(")");
      }
    }
    return b.append(" |\n").toString();
  }

  private static String ms3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** " (slowest–fastest)" of a direction measured more than once, else nothing. */
  private static String range(Outcome o, String direction) {
    return o.rateRange(direction).map(r -> " (" + mib(r[0]) + "–" + mib(r[1]) + ")").orElse("");
  }

  /** The lowest and highest run's share of its ceiling, in brackets, if there were such runs. */
  private static String shareRange(Outcome o, String direction) {
    Optional<Double> low = o.get(direction + "ShareMin");
    Optional<Double> high = o.get(direction + "ShareMax");
    return low.isPresent() && high.isPresent() ? " (" + ratio(low.get()) + "–" + ratio(high.get()) + ")" : "";
  }

  private static String status(Outcome o) {
    return o.isOk() ? "–" : o.status();
  }

  private static String value(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String mib(double bytesPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", bytesPerSecond / MIB);
  }

  private static String kib(double bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  private static String size(long bytes) {
    return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB"
        : bytes >= 1L << 20 ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }
}
