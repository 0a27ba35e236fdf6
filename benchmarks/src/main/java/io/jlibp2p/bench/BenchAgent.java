package io.jlibp2p.bench;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import io.jlibp2p.host.HostLimits;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.protocol.perf.Perf;
import io.jlibp2p.protocol.ping.Ping;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One side of a jlibp2p measurement, in its own JVM: the harness drives it over standard input,
 * one command a line, and reads one reply a line on standard output ({@code ok {json}} or {@code
 * error message}). Diagnostics go to standard error. It exits when its input ends.
 *
 * <p>Commands:
 *
 * <ul>
 *   <li>{@code listen COMBINATION}: a host serving {@code /perf/1.0.0} and {@link #STATS}; replies
 *       {@code addr}
 *   <li>{@code run COMBINATION ADDR key=value...}: the client measurements (see {@link
 *       ClientPlan}); replies what it measured
 *   <li>{@code connect COMBINATION ADDR key=value...}: a client host with one connection, warmed up
 *       as {@code run} warms up (the warm-up keys of {@link ClientPlan}) and kept for {@code
 *       measure}; replies {@code warmupSeconds}
 *   <li>{@code measure key=value...}: upload and download runs on the kept connection (the {@code
 *       upload}, {@code download} and {@code runs} keys of {@link ClientPlan}); replies what {@code
 *       run} replies of them
 *   <li>{@code host COMBINATION}: a client host for {@code open}
 *   <li>{@code open ADDR N CONCURRENCY}: opens N more connections and keeps them; replies {@code
 *       open}, {@code failed}, {@code seconds}
 *   <li>{@code check CONCURRENCY}: a ping on every kept connection; replies {@code working}
 *   <li>{@code mem}: heap and direct memory in use after garbage collection, and the host's
 *       connections
 *   <li>{@code connections N MILLIS}: waits until the host has at least N connections, for at most
 *       MILLIS (a listener registers a connection a little after its dialer has it); replies {@code
 *       connections}
 *   <li>{@code stop}: closes the host
 * </ul>
 */
public final class BenchAgent {
  /** Limits high enough for the harness's connection counts. */
  static final HostLimits LIMITS =
      new HostLimits(
          java.time.Duration.ofSeconds(60),
          java.time.Duration.ofSeconds(60),
          java.time.Duration.ofSeconds(30),
          20_000,
          1024,
          1024,
          4096);

  /**
   * The server's second protocol: it writes its JVM's total compilation time in milliseconds and
   * its process's CPU time in nanoseconds (8 bytes each, big-endian; -1 if unknown) and closes, so
   * that a client can warm up until both JVMs' compilers are quiet, and report both sides' CPU time.
   */
  static final ProtocolId STATS = ProtocolId.of("/jlibp2p-bench/stats/1.0.0");

  /**
   * A warm-up round ends the warm-up (once the least time has passed) when both JVMs' compilers
   * together were busy for at most this share of the round's time.
   */
  static final double QUIET_COMPILERS = 0.02;

  /** The least time over which the warm-up measures the compilers' share. */
  static final long QUIET_WINDOW_NANOS = 1_000_000_000L;

  private Host host;
  private final List<Connection> kept = new ArrayList<>();
  /** The connection of {@code connect}, for {@code measure}; null before. */
  private Connection measured;

  public static void main(String[] args) throws IOException {
    new BenchAgent().serve();
  }

  private void serve() throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err); // only replies on the real standard output
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    try {
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String reply;
        try {
          reply = "ok " + Json.object(execute(line.trim().split("\\s+")));
        } catch (Exception | OutOfMemoryError e) {
          e.printStackTrace();
          reply = "error " + (e.getMessage() == null ? e.toString() : e.toString().replace('\n', ' '));
        }
        out.println(reply);
      }
    } finally {
      stop();
    }
  }

  Map<String, Object> execute(String[] cmd) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    switch (cmd[0]) {
      case "listen" -> {
        stop();
        Combination c = Combination.named(cmd[1]);
        Libp2p.Builder b = Libp2p.builder().limits(LIMITS).listen(c.listen()).handler(Perf.ID, new Perf())
            .handler(STATS, s -> {
              try (s) {
                DataOutputStream out = new DataOutputStream(s.out());
                out.writeLong(compilerMillis());
                out.writeLong(cpuNanos());
                out.flush();
                s.closeWrite();
              }
            });
        c.configure().accept(b);
        host = b.build();
        r.put("addr", host.listenAddresses().getFirst() + "/p2p/" + host.peerId());
      }
      case "host" -> {
        stop();
        host = clientHost(Combination.named(cmd[1]));
      }
      case "run" -> {
        stop();
        host = clientHost(Combination.named(cmd[1]));
        r.putAll(run(host, Multiaddr.parse(cmd[2]), ClientPlan.of(options(cmd, 3))));
      }
      case "connect" -> {
        stop();
        host = clientHost(Combination.named(cmd[1]));
        ClientPlan p = ClientPlan.of(options(cmd, 3));
        measured = host.connect(Multiaddr.parse(cmd[2]));
        if (p.warmup > 0) {
          r.put("warmupSeconds", warmUp(measured, p));
        }
      }
      case "measure" -> {
        if (measured == null) {
          throw new IllegalStateException("measure before connect");
        }
        measureRuns(measured, ClientPlan.of(options(cmd, 1)), r);
      }
      case "open" -> r.putAll(open(Multiaddr.parse(cmd[1]), Integer.parseInt(cmd[2]), Integer.parseInt(cmd[3])));
      case "check" -> r.put("working", check(Integer.parseInt(cmd[1])));
      case "mem" -> r.putAll(memory());
      case "connections" -> r.put("connections", awaitConnections(Integer.parseInt(cmd[1]), Long.parseLong(cmd[2])));
      case "stop" -> stop();
      default -> throw new IllegalArgumentException("command: " + cmd[0]);
    }
    return r;
  }

  /** The {@code key=value} words of {@code cmd} from index {@code from}. */
  private static Map<String, String> options(String[] cmd, int from) {
    Map<String, String> opts = new HashMap<>();
    for (int i = from; i < cmd.length; i++) {
      String[] kv = cmd[i].split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("option: " + cmd[i] + " (expected: key=value)");
      }
      opts.put(kv[0], kv[1]);
    }
    return opts;
  }

  static Host clientHost(Combination c) throws IOException {
    Libp2p.Builder b = Libp2p.builder().limits(LIMITS);
    c.configure().accept(b);
    return b.build();
  }

  private void stop() {
    if (measured != null) {
      measured.close();
      measured = null;
    }
    kept.forEach(Connection::close);
    kept.clear();
    if (host != null) {
      host.close();
      host = null;
    }
  }

  /**
   * What a client measures, in this order; zero skips a step.
   *
   * @param warmup bytes up and then down before measuring, repeated until {@code warmupMillis} passed
   *     and both JVMs' compilers are quiet (see {@link #warmUp}), or {@code warmupMaxMillis} passed
   * @param warmupMillis the least time the warm-up rounds take
   * @param warmupMaxMillis the most time the warm-up rounds take (the last round may end later)
   * @param upload bytes of each upload run
   * @param download bytes of each download run
   * @param runs upload and download runs, alternating (see {@link #measureRuns})
   * @param pings pings on one stream
   * @param streams streams opened and finished on one connection
   * @param setup fresh connections timed from dial to the first ping's reply
   * @param setupWarmup untimed fresh connections before them, at least (and at least {@code setup}):
   *     then they go on for at least {@code warmupMillis} and until the compilers are quiet, for at
   *     most {@code warmupMaxMillis} in all unless the least count takes longer (see {@link
   *     #setupWarmUp})
   * @param connections connections dialed and closed
   * @param concurrency streams or dials in flight at once
   */
  public record ClientPlan(
      long warmup, long warmupMillis, long warmupMaxMillis, long upload, long download, int runs, int pings, int streams, int setup, int setupWarmup,
      int connections, int concurrency) {
    public ClientPlan {
      if (runs < 1) {
        throw new IllegalArgumentException("runs: " + runs + " (expected: at least 1)");
      }
    }

    static ClientPlan of(Map<String, String> o) {
      return new ClientPlan(
          Long.parseLong(o.getOrDefault("warmup", "0")),
          Long.parseLong(o.getOrDefault("warmupMillis", "0")),
          Long.parseLong(o.getOrDefault("warmupMaxMillis", o.getOrDefault("warmupMillis", "0"))),
          Long.parseLong(o.getOrDefault("upload", "0")),
          Long.parseLong(o.getOrDefault("download", "0")),
          Integer.parseInt(o.getOrDefault("runs", "1")),
          Integer.parseInt(o.getOrDefault("pings", "0")),
          Integer.parseInt(o.getOrDefault("streams", "0")),
          Integer.parseInt(o.getOrDefault("setup", "0")),
          Integer.parseInt(o.getOrDefault("setupWarmup", "0")),
          Integer.parseInt(o.getOrDefault("connections", "0")),
          Integer.parseInt(o.getOrDefault("concurrency", "8")));
    }

    /** The {@code key=value} words of the {@code run} command. */
    String words() {
      return "warmup=" + warmup + " warmupMillis=" + warmupMillis + " warmupMaxMillis=" + warmupMaxMillis
          + " upload=" + upload + " download=" + download + " runs=" + runs + " pings=" + pings
          + " streams=" + streams + " setup=" + setup + " setupWarmup=" + setupWarmup + " connections=" + connections
          + " concurrency=" + concurrency;
    }
  }

  static Map<String, Object> run(Host host, Multiaddr addr, ClientPlan p) throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    Multiaddr bare = bare(addr);
    Connection c = host.connect(addr);
    if (p.warmup > 0) {
      r.put("warmupSeconds", warmUp(c, p));
    }
    measureRuns(c, p, r);
    long[][] pingBlocks = new long[PING_BLOCKS][];
    if (p.pings > 0) {
      r.put("pingWarmupSeconds", pingWarmUp(c, p));
      pingBlocks[0] = pings(c, p.pings);
    }
    if (p.streams > 0) {
      double s = pool(p.streams, p.concurrency, () -> perf(c, 0, 0));
      r.put("streams", p.streams);
      r.put("streamsPerSecond", p.streams / s);
    }
    if (p.pings > 0) {
      pingBlocks[1] = pings(c, p.pings);
    }
    if (p.setup > 0) {
      // untimed set-ups first, for a warm runtime
      r.put("setupWarmupSeconds", setupWarmUp(host, bare, c, p));
      long[] times = new long[p.setup];
      for (int i = 0; i < p.setup; i++) {
        times[i] = connectAndPing(host, bare);
      }
      r.put("setupMedianMs", median(times) / 1e6);
    }
    if (p.pings > 0) {
      pingBlocks[2] = pings(c, p.pings);
      putPings(r, pingBlocks);
    }
    c.close();
    if (p.connections > 0) {
      double s = pool(p.connections, p.concurrency, () -> host.connect(bare).close());
      r.put("connections", p.connections);
      r.put("connectionsPerSecond", p.connections / s);
    }
    return r;
  }

  /**
   * Perf rounds of {@code p.warmup} bytes up and then down, until {@code p.warmupMillis} have passed
   * and both JVMs' compilers are quiet, for at most {@code p.warmupMaxMillis} (see {@link
   * #untilCompilersQuiet}); the seconds it took.
   */
  static double warmUp(Connection c, ClientPlan p) throws Exception {
    return untilCompilersQuiet(() -> compilerMillis(c), 1, p.warmupMillis, p.warmupMaxMillis, () -> {
      perf(c, p.warmup, 0);
      perf(c, 0, p.warmup);
    });
  }

  /**
   * Untimed blocks of {@code p.pings} round trips, for at least {@code p.warmupMillis} and until
   * both JVMs' compilers are quiet, for at most {@code p.warmupMaxMillis} (see {@link
   * #untilCompilersQuiet}); the seconds it took. Small writes and reads take paths a bulk transfer
   * does not (on QUIC: a held write released by the read), which the JIT compiles only now: with
   * the compilers still busy, QUIC round trips took 160-400 µs instead of about 100.
   */
  static double pingWarmUp(Connection c, ClientPlan p) throws Exception {
    return untilCompilersQuiet(() -> compilerMillis(c), 1, p.warmupMillis, p.warmupMaxMillis, () -> pings(c, p.pings));
  }

  /**
   * Untimed fresh connections, each pinged once (as the timed ones are), at least {@code
   * max(p.setup, p.setupWarmup)} of them and for at least {@code p.warmupMillis}, then until both
   * JVMs' compilers are quiet, for at most {@code p.warmupMaxMillis} (see {@link
   * #untilCompilersQuiet}); the seconds it took. A TLS stack keeps the compilers busy for thousands
   * of handshakes: after 1,000 the JIT still took over half the CPU, and tcp/tls/mplex set-up
   * medians were 8.5-9.0 ms after 1,000 such connections and 5.4-5.7 ms after 5,000.
   */
  static double setupWarmUp(Host host, Multiaddr bare, Connection c, ClientPlan p) throws Exception {
    return untilCompilersQuiet(() -> compilerMillis(c), Math.max(p.setup, p.setupWarmup), p.warmupMillis, p.warmupMaxMillis,
        () -> connectAndPing(host, bare));
  }

  /**
   * Runs {@code round} at least {@code minRounds} times and until {@code minMillis} have passed and,
   * over the last {@link #QUIET_WINDOW_NANOS} (or more) of rounds, the compilers (both JVMs', as
   * {@code compilers} sums them) were busy for at most {@link #QUIET_COMPILERS} of that time; or,
   * once it ran {@code minRounds} times, until {@code maxMillis} have passed. Returns the seconds it
   * took.
   *
   * @param compilers the compilers' total busy milliseconds so far, or -1 if unknown (never quiet)
   */
  static double untilCompilersQuiet(CompilerTime compilers, int minRounds, long minMillis, long maxMillis, Task round)
      throws Exception {
    long start = System.nanoTime();
    long windowStart = start;
    long compiled = compilers.millis();
    int rounds = 0;
    while (true) {
      round.run();
      rounds++;
      long now = System.nanoTime();
      long elapsed = now - start;
      if (rounds < minRounds) {
        continue;
      }
      if (elapsed >= maxMillis * 1_000_000) {
        return elapsed / 1e9;
      }
      if (now - windowStart >= QUIET_WINDOW_NANOS) {
        long after = compilers.millis();
        boolean quiet = compiled >= 0 && after >= 0 && (after - compiled) * 1e6 <= QUIET_COMPILERS * (now - windowStart);
        System.err.printf("warm-up: %.2f s of rounds, compilers busy %d ms%n", (now - windowStart) / 1e9, after - compiled);
        if (quiet && elapsed >= minMillis * 1_000_000) {
          return elapsed / 1e9;
        }
        compiled = after;
        windowStart = System.nanoTime();
      }
    }
  }

  /** This JVM's total compilation milliseconds, or -1 if it does not say. */
  static long compilerMillis() {
    CompilationMXBean b = ManagementFactory.getCompilationMXBean();
    return b == null || !b.isCompilationTimeMonitoringSupported() ? -1 : b.getTotalCompilationTime();
  }

  /** This process's CPU time in nanoseconds, or -1 if it does not say. */
  static long cpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /** The server's {@link #STATS}: its compilation milliseconds and CPU nanoseconds. */
  static long[] serverStats(Connection c) throws IOException {
    try (Stream s = c.newStream(STATS)) {
      s.closeWrite();
      DataInputStream in = new DataInputStream(s.in());
      return new long[] {in.readLong(), in.readLong()};
    }
  }

  /** Both JVMs' total compilation milliseconds (this one's and the server's), or -1 if either does not say. */
  static long compilerMillis(Connection c) throws IOException {
    long local = compilerMillis();
    long remote = serverStats(c)[0];
    return local < 0 || remote < 0 ? -1 : local + remote;
  }

  /**
   * One perf run: its {@code what}Bytes, {@code what}Seconds and both sides' CPU seconds ({@code
   * what}ClientCpuSeconds, {@code what}ServerCpuSeconds).
   */
  private static Map<String, Object> measure(Connection c, String what, long up, long down) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    long client = cpuNanos();
    long server = serverStats(c)[1];
    double seconds = perf(c, up, down).totalNanos() / 1e9;
    long clientAfter = cpuNanos();
    long serverAfter = serverStats(c)[1];
    r.put(what + "Bytes", up + down);
    r.put(what + "Seconds", seconds);
    if (client >= 0 && server >= 0) {
      r.put(what + "ClientCpuSeconds", (clientAfter - client) / 1e9);
      r.put(what + "ServerCpuSeconds", (serverAfter - server) / 1e9);
    }
    return r;
  }

  /**
   * {@code p.runs} upload runs and {@code p.runs} download runs, alternating (so that a drift of the
   * machine's speed touches both directions alike). Each direction's figures in {@code r} are those
   * of its median run by time (the slower middle one of an even count), with the fastest and the
   * slowest time next to them ({@code what}SecondsMin, {@code what}SecondsMax) and the number of
   * runs ({@code what}Runs): on a shared machine one disturbed run neither decides the figure nor
   * goes unseen.
   */
  static void measureRuns(Connection c, ClientPlan p, Map<String, Object> r) throws IOException {
    List<Map<String, Object>> up = new ArrayList<>();
    List<Map<String, Object>> down = new ArrayList<>();
    for (int i = 0; i < p.runs; i++) {
      if (p.upload > 0) {
        up.add(measure(c, "upload", p.upload, 0));
      }
      if (p.download > 0) {
        down.add(measure(c, "download", 0, p.download));
      }
    }
    putMedianRun(r, "upload", up);
    putMedianRun(r, "download", down);
  }

  /** Puts the median run of {@code runs} (by {@code what}Seconds) into {@code r}, with the spread. */
  static void putMedianRun(Map<String, Object> r, String what, List<Map<String, Object>> runs) {
    if (runs.isEmpty()) {
      return;
    }
    String key = what + "Seconds";
    List<Map<String, Object>> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(m -> (Double) m.get(key)));
    r.putAll(sorted.get(sorted.size() / 2));
    r.put(what + "Runs", sorted.size());
    r.put(key + "Min", sorted.getFirst().get(key));
    r.put(key + "Max", sorted.getLast().get(key));
  }

  /** Dials a fresh connection, pings once on a new stream and closes it; the nanoseconds to the reply. */
  private static long connectAndPing(Host host, Multiaddr addr) throws IOException {
    long start = System.nanoTime();
    Connection x = host.connect(addr);
    pings(x, 1);
    long time = System.nanoTime() - start;
    x.close();
    return time;
  }

  /** The address without {@code /p2p/...}: every connect to it dials a fresh connection. */
  static Multiaddr bare(Multiaddr addr) {
    return Multiaddr.parse(addr.toString().replaceFirst("/p2p/[^/]+$", ""));
  }

  private static Perf.Result perf(Connection c, long up, long down) throws IOException {
    try (Stream s = c.newStream(Perf.ID)) {
      return Perf.run(s, up, down, new Perf.Progress());
    }
  }

  /**
   * Blocks of pings, taken at different points of a run (after the warm-up, after the streams test,
   * after the set-up test), so that one stretch of a busy shared machine does not decide the figure.
   */
  static final int PING_BLOCKS = 3;

  /**
   * {@code pingMedianMs}: the median of every round trip of every block; {@code pingBlockNMs}: each
   * block's own median (N from 1).
   */
  static void putPings(Map<String, Object> r, long[][] blocks) {
    long[] all = Arrays.stream(blocks).flatMapToLong(Arrays::stream).toArray();
    r.put("pingMedianMs", median(all) / 1e6);
    for (int i = 0; i < blocks.length; i++) {
      r.put("pingBlock" + (i + 1) + "Ms", median(blocks[i]) / 1e6);
    }
  }

  /** n pings on one new ping stream; the round-trip times in nanoseconds. */
  static long[] pings(Connection c, int n) throws IOException {
    SplittableRandom random = new SplittableRandom();
    byte[] sent = new byte[Ping.PAYLOAD_SIZE];
    byte[] back = new byte[Ping.PAYLOAD_SIZE];
    long[] rtts = new long[n];
    try (Stream s = c.newStream(Ping.ID)) {
      for (int i = 0; i < n; i++) {
        random.nextBytes(sent);
        long start = System.nanoTime();
        s.write(sent);
        if (!s.readFully(back)) {
          throw new EOFException("ping stream ended");
        }
        rtts[i] = System.nanoTime() - start;
        if (!Arrays.equals(sent, back)) {
          throw new IOException("ping: a different payload came back");
        }
      }
      s.closeWrite();
    }
    return rtts;
  }

  static double median(long[] values) {
    long[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
  }

  /** The compilers' total busy milliseconds, or -1 if unknown. */
  interface CompilerTime {
    long millis() throws IOException;
  }

  interface Task {
    void run() throws Exception;
  }

  /** Runs {@code count} tasks, {@code concurrency} at a time; the elapsed seconds. */
  static double pool(int count, int concurrency, Task task) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < Math.min(concurrency, count); w++) {
        workers.add(ex.submit(() -> {
          while (next.getAndIncrement() < count) {
            task.run();
          }
          return null;
        }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private Map<String, Object> open(Multiaddr addr, int n, int concurrency) throws Exception {
    if (host == null) {
      throw new IllegalStateException("open: no host (send host COMBINATION first)");
    }
    Multiaddr fresh = bare(addr);
    ConcurrentLinkedQueue<Connection> opened = new ConcurrentLinkedQueue<>();
    AtomicInteger failed = new AtomicInteger();
    double s = pool(n, concurrency, () -> {
      try {
        opened.add(host.connect(fresh));
      } catch (IOException e) {
        if (failed.getAndIncrement() == 0) {
          e.printStackTrace();
        }
      }
    });
    kept.addAll(opened);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("open", kept.size());
    r.put("failed", failed.get());
    r.put("seconds", s);
    return r;
  }

  private int check(int concurrency) throws Exception {
    List<Connection> all = List.copyOf(kept);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger working = new AtomicInteger();
    pool(all.size(), concurrency, () -> {
      Connection c = all.get(next.getAndIncrement());
      try {
        pings(c, 1);
        working.incrementAndGet();
      } catch (IOException e) {
        // counted as not working
      }
    });
    return working.get();
  }

  /** The host's connections once there are at least {@code n}, or after {@code millis}. */
  private int awaitConnections(int n, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    int count;
    while ((count = host == null ? 0 : host.connections().size()) < n && System.nanoTime() - deadline < 0) {
      Thread.sleep(10); // polling with a deadline: the host has no connection-count event
    }
    return count;
  }

  private Map<String, Object> memory() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("heap", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    long direct = 0;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        direct = b.getMemoryUsed();
      }
    }
    r.put("direct", direct);
    r.put("connections", host == null ? 0 : host.connections().size());
    return r;
  }
}
