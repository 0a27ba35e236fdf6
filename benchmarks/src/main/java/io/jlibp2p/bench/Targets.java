package io.jlibp2p.bench;

import io.jlibp2p.bench.Harness.Outcome;
import io.jlibp2p.bench.Harness.Results;
import io.jlibp2p.bench.Harness.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;

/**
 * The performance targets jlibp2p holds itself to, judged from one harness run: each target's worst
 * figure in the run and whether it was met. A target none of whose figures were measured is
 * "not measured", never met.
 */
final class Targets {
  /** Noise stacks over TCP: at least this share of the Noise ceiling. */
  static final double NOISE_SHARE = 0.5;
  /** TLS stacks over TCP: at least this share of the TLS ceiling. */
  static final double TLS_SHARE = 0.4;
  /** ws/noise/yamux: at least this share of tcp/noise/yamux. */
  static final double WS_OF_TCP = 0.8;
  /** TCP and WebSocket stacks: at least this many times js-libp2p's throughput. */
  static final double TIMES_JS = 2;
  /** QUIC: at least this many times js-libp2p's throughput. */
  static final double QUIC_TIMES_JS = 5;
  /** Ping round trip median below this (ms). */
  static final double PING_MS = 0.1;
  /** Memory per idle Noise+Yamux connection, heap plus direct, per side, at most this (bytes). */
  static final double IDLE_BYTES = 64 * 1024;

  private static final String[] DIRECTIONS = {"upload", "download"};

  /**
   * One target's verdict.
   *
   * @param target what is asked
   * @param worst the worst figure measured and where, or why nothing was
   * @param met whether every figure met it (false when nothing was measured)
   */
  record Verdict(String target, String worst, boolean met) {}

  private Targets() {}

  static List<Verdict> judge(Results r) {
    List<Verdict> v = new ArrayList<>();
    v.add(lowest("tcp/noise/yamux and tcp/noise/mplex ≥ " + NOISE_SHARE + " of the Noise ceiling", NOISE_SHARE,
        shares(r, "tcp/noise/")));
    v.add(lowest("tcp/tls/yamux and tcp/tls/mplex ≥ " + TLS_SHARE + " of the TLS ceiling", TLS_SHARE,
        shares(r, "tcp/tls/")));
    v.add(lowest("ws/noise/yamux ≥ " + WS_OF_TCP + " of tcp/noise/yamux"
        + (r.sideBySide().isOk() ? " (measured side by side: the median of alternating pairs of runs)" : ""), WS_OF_TCP, wsOfTcp(r)));
    v.add(lowest("every TCP and WebSocket stack ≥ " + fmt(TIMES_JS) + "× js-libp2p", TIMES_JS,
        timesJs(r, false)));
    // the size is QuicEngine.LOOPBACK_UDP_PAYLOAD (see the note under the throughput table)
    v.add(lowest("quic-v1 ≥ " + fmt(QUIC_TIMES_JS) + "× js-libp2p (on loopback, with jlibp2p's datagrams of up to 16,000 bytes on Linux against js-libp2p's 1,452)",
        QUIC_TIMES_JS, timesJs(r, true)));
    v.add(highest("connection set-up no slower than js-libp2p (jlibp2p / js ≤ 1)", 1, setupOfJs(r)));
    v.add(highestBelow("ping round trip < " + fmt(PING_MS * 1000) + " µs (µs)", PING_MS * 1000, pings(r)));
    v.add(highest("idle Noise+Yamux connection ≤ 64 KiB, heap + direct (KiB)", IDLE_BYTES / 1024, idle(r)));
    v.add(manyConnections(r));
    return v;
  }

  /** A measured figure and where it was measured. */
  private record Figure(double value, String where) {}

  private static List<Figure> shares(Results r, String prefix) {
    List<Figure> out = new ArrayList<>();
    for (Row row : r.rows()) {
      if (row.combination().name().startsWith(prefix)) {
        for (String dir : DIRECTIONS) {
          row.share(r, dir).ifPresent(x -> out.add(new Figure(x, row.combination().name() + " " + dir)));
        }
      }
    }
    return out;
  }

  /**
   * ws against tcp: the side-by-side measurement's median pairs where it was made (it compares
   * runs made seconds apart), else the two rows' figures (made minutes apart).
   */
  private static List<Figure> wsOfTcp(Results r) {
    if (r.sideBySide().isOk()) {
      List<Figure> out = new ArrayList<>();
      for (String dir : DIRECTIONS) {
        r.sideBySide().get(dir + "Ratio").ifPresent(x -> out.add(new Figure(x, dir)));
      }
      return out;
    }
    Optional<Row> ws = row(r, "ws/noise/yamux");
    Optional<Row> tcp = row(r, "tcp/noise/yamux");
    List<Figure> out = new ArrayList<>();
    if (ws.isPresent() && tcp.isPresent()) {
      for (String dir : DIRECTIONS) {
        Optional<Double> w = ws.get().jlibp2p().rate(dir);
        Optional<Double> t = tcp.get().jlibp2p().rate(dir);
        if (w.isPresent() && t.isPresent()) {
          out.add(new Figure(w.get() / t.get(), dir));
        }
      }
    }
    return out;
  }

  private static List<Figure> timesJs(Results r, boolean quic) {
    List<Figure> out = new ArrayList<>();
    for (Row row : r.rows()) {
      if (row.combination().name().startsWith("quic") == quic) {
        for (String dir : DIRECTIONS) {
          Optional<Double> j = row.jlibp2p().rate(dir);
          Optional<Double> js = row.js().rate(dir);
          if (j.isPresent() && js.isPresent()) {
            out.add(new Figure(j.get() / js.get(), row.combination().name() + " " + dir));
          }
        }
      }
    }
    return out;
  }

  private static List<Figure> setupOfJs(Results r) {
    List<Figure> out = new ArrayList<>();
    for (Row row : r.rows()) {
      Optional<Double> j = row.jlibp2p().get("setupMedianMs");
      Optional<Double> js = row.js().get("setupMedianMs");
      if (j.isPresent() && js.isPresent() && js.get() > 0) {
        out.add(new Figure(j.get() / js.get(), row.combination().name()));
      }
    }
    return out;
  }

  private static List<Figure> pings(Results r) {
    List<Figure> out = new ArrayList<>();
    for (Row row : r.rows()) {
      row.jlibp2p().get("pingMedianMs").ifPresent(p -> out.add(new Figure(p * 1000, row.combination().name())));
    }
    return out;
  }

  private static List<Figure> idle(Results r) {
    Outcome m = r.memory();
    List<Figure> out = new ArrayList<>();
    if (m.isOk()) {
      Map<String, Double> v = m.values();
      for (String side : new String[] {"server", "client"}) {
        Double heap = v.get(side + "HeapPerConnection");
        Double direct = v.get(side + "DirectPerConnection");
        if (heap != null && direct != null) {
          out.add(new Figure((heap + direct) / 1024, side.equals("server") ? "listener" : "dialer"));
        }
      }
    }
    return out;
  }

  private static Verdict manyConnections(Results r) {
    String target = "5,000 concurrent connections on one node work";
    Outcome m = r.memory();
    if (!m.isOk()) {
      return new Verdict(target, "not measured", false);
    }
    Map<String, Double> v = m.values();
    double want = v.getOrDefault("manyTarget", 0.0);
    boolean works = want > 0 && v.getOrDefault("manyOpen", 0.0) >= want && v.getOrDefault("manyFailed", 1.0) == 0
        && v.getOrDefault("manyWorking", 0.0) >= want;
    return new Verdict(target, String.format(Locale.ROOT, "%,.0f of %,.0f answered", v.getOrDefault("manyWorking", 0.0), want),
        works && want >= 5000);
  }

  /** Met when the lowest figure is at least {@code min}. */
  private static Verdict lowest(String target, double min, List<Figure> figures) {
    return judged(target, figures, false, x -> x >= min);
  }

  /** Met when the highest figure is at most {@code max}. */
  private static Verdict highest(String target, double max, List<Figure> figures) {
    return judged(target, figures, true, x -> x <= max);
  }

  /** Met when the highest figure is below {@code limit}. */
  private static Verdict highestBelow(String target, double limit, List<Figure> figures) {
    return judged(target, figures, true, x -> x < limit);
  }

  /** The worst figure (the highest if {@code highIsWorse}, else the lowest) and whether it is {@code ok}. */
  private static Verdict judged(String target, List<Figure> figures, boolean highIsWorse, DoublePredicate ok) {
    Comparator<Figure> byValue = Comparator.comparingDouble(Figure::value);
    Optional<Figure> worst = figures.stream().max(highIsWorse ? byValue : byValue.reversed());
    return worst.map(w -> new Verdict(target, fmt(w.value()) + " (" + w.where() + ")", ok.test(w.value())))
        .orElse(new Verdict(target, "not measured", false));
  }

  /** The row of the combination named {@code name}, if the run has one. */
  static Optional<Row> row(Results r, String name) {
    return r.rows().stream().filter(x -> x.combination().name().equals(name)).findFirst();
  }

  private static String fmt(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e6 ? String.format(Locale.ROOT, "%.0f", x)
        : String.format(Locale.ROOT, Math.abs(x) >= 10 ? "%.1f" : "%.2f", x);
  }
}
