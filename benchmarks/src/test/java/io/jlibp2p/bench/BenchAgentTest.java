package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.bench.Harness.Outcome;
import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.multiformats.Multiaddr;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BenchAgentTest {
  private final BenchAgent server = new BenchAgent();
  private Host client;
  private Multiaddr addr;

  @BeforeEach
  void listen() throws Exception {
    client = BenchAgent.clientHost(Combination.named("tcp/noise/yamux"));
    addr = Multiaddr.parse((String) server.execute(new String[] {"listen", "tcp/noise/yamux"}).get("addr"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.execute(new String[] {"stop"});
  }

  @Test
  void pingMedianIsTakenOverEveryBlockAndEachBlockKeepsItsOwn() {
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    // a slow middle block moves the overall median less than it would decide a single block
    BenchAgent.putPings(r, new long[][] {{40_000, 50_000, 60_000}, {300_000, 310_000, 320_000}, {45_000, 55_000, 65_000}});
    assertThat(r).containsEntry("pingBlock1Ms", 0.05).containsEntry("pingBlock2Ms", 0.31).containsEntry("pingBlock3Ms", 0.055);
    assertThat(r).containsEntry("pingMedianMs", 0.06);
  }

  @Test
  void eachDirectionReportsItsMedianRunWithTheSpread() {
    Map<String, Object> r = new java.util.LinkedHashMap<>();
    BenchAgent.putMedianRun(r, "upload", List.of(run("upload", 2.0, 5.0), run("upload", 9.0, 7.0), run("upload", 1.0, 6.0)));
    // the median run's time and its CPU time, not the fastest run's nor a mix of runs
    assertThat(r).containsEntry("uploadSeconds", 2.0).containsEntry("uploadClientCpuSeconds", 5.0)
        .containsEntry("uploadRuns", 3).containsEntry("uploadSecondsMin", 1.0).containsEntry("uploadSecondsMax", 9.0);

    // an even count takes the slower middle run; no runs, no figures
    BenchAgent.putMedianRun(r, "download", List.of(run("download", 3.0, 1.0), run("download", 4.0, 2.0)));
    BenchAgent.putMedianRun(r, "nothing", List.of());
    assertThat(r).containsEntry("downloadSeconds", 4.0).containsEntry("downloadClientCpuSeconds", 2.0)
        .doesNotContainKey("nothingSeconds");

    Outcome o = Outcome.ok(r);
    assertThat(o.rate("upload")).hasValue(512.0);
    assertThat(o.rateRange("upload")).hasValueSatisfying(x -> assertThat(x).containsExactly(1024.0 / 9.0, 1024.0));
  }

  private static Map<String, Object> run(String what, double seconds, double clientCpu) {
    return Map.of(what + "Bytes", 1024L, what + "Seconds", seconds, what + "ClientCpuSeconds", clientCpu);
  }

  @Test
  void warmUpReadsBothCompilersAndStopsAtItsLimit() throws Exception {
    Connection c = client.connect(addr);

    // client and server share this JVM here: the sum counts its compilers twice
    long local = BenchAgent.compilerMillis();
    long both = BenchAgent.compilerMillis(c);
    assertThat(local).isNotNegative();
    assertThat(both).isGreaterThanOrEqualTo(2 * local);

    // a limit shorter than one quiet window: the warm-up ends at the limit, after whole rounds
    BenchAgent.ClientPlan p = BenchAgent.ClientPlan.of(Map.of("warmup", "65536", "warmupMillis", "100", "warmupMaxMillis", "300"));
    double seconds = BenchAgent.warmUp(c, p);
    assertThat(seconds).isBetween(0.3, 0.3 + BenchAgent.QUIET_WINDOW_NANOS / 1e9);
  }

  @Test
  void pingWarmUpStopsAtItsLimit() throws Exception {
    Connection c = client.connect(addr);
    // a limit shorter than one quiet window: the warm-up ends at the limit, after whole blocks
    BenchAgent.ClientPlan p = BenchAgent.ClientPlan.of(Map.of("pings", "10", "warmupMillis", "100", "warmupMaxMillis", "300"));
    double seconds = BenchAgent.pingWarmUp(c, p);
    assertThat(seconds).isBetween(0.3, 0.3 + BenchAgent.QUIET_WINDOW_NANOS / 1e9);
  }

  @Test
  void quietCompilerRoundsRunAtLeastTheirLeastCountEvenPastTheLimit() throws Exception {
    AtomicInteger rounds = new AtomicInteger();
    // no time allowed at all: the least count still runs, and nothing more
    BenchAgent.untilCompilersQuiet(() -> 0, 5, 0, 0, rounds::incrementAndGet);
    assertThat(rounds).hasValue(5);

    // a limit shorter than one quiet window: rounds go on past the least count until the limit
    rounds.set(0);
    double seconds = BenchAgent.untilCompilersQuiet(() -> 0, 3, 200, 400, rounds::incrementAndGet);
    assertThat(rounds.get()).isGreaterThan(3);
    assertThat(seconds).isBetween(0.4, 0.4 + BenchAgent.QUIET_WINDOW_NANOS / 1e9);
  }

  @Test
  void roundsEndAfterTheFirstQuietWindowOnceTheLeastTimePassed() throws Exception {
    double window = BenchAgent.QUIET_WINDOW_NANOS / 1e9;
    BenchAgent.Task round = () -> LockSupport.parkNanos(1_000_000); // a round of work, without a busy core
    // compilers that never move: quiet at the first whole window
    double seconds = BenchAgent.untilCompilersQuiet(() -> 1234, 1, 0, 60_000, round);
    assertThat(seconds).isBetween(window, 2 * window);

    // busy compilers (a tenth of every second) are never quiet: the limit ends it
    long t0 = System.nanoTime();
    seconds = BenchAgent.untilCompilersQuiet(() -> (System.nanoTime() - t0) / 10_000_000, 1, 0, 2500, round);
    assertThat(seconds).isBetween(2.5, 2.5 + window);

    // compilers that do not say are never quiet either
    seconds = BenchAgent.untilCompilersQuiet(() -> -1, 1, 0, 1500, round);
    assertThat(seconds).isBetween(1.5, 1.5 + window);
  }

  @Test
  void connectionsWaitsForTheListenerToRegisterWhatItsDialerHas() throws Exception {
    Multiaddr fresh = BenchAgent.bare(addr);
    for (int i = 0; i < 3; i++) {
      client.connect(fresh);
    }
    assertThat(server.execute(new String[] {"connections", "3", "10000"}).get("connections")).isEqualTo(3);
    // more than there are: it gives up at its deadline and says how many there are
    assertThat(server.execute(new String[] {"connections", "4", "50"}).get("connections")).isEqualTo(3);
  }

  @Test
  void measureRunsOnTheConnectionThatConnectKeptAndRefusesBeforeIt() throws Exception {
    BenchAgent dialer = new BenchAgent();
    try {
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> dialer.execute(new String[] {"measure", "upload=1"})))
          .isInstanceOf(IllegalStateException.class).hasMessage("measure before connect");
      Map<String, Object> warm = dialer.execute(new String[] {"connect", "tcp/noise/yamux", addr.toString(),
          "warmup=4096", "warmupMillis=0", "warmupMaxMillis=0"});
      assertThat(warm).containsKey("warmupSeconds");
      for (int i = 0; i < 2; i++) {
        Outcome o = Outcome.ok(dialer.execute(new String[] {"measure", "upload=65536", "download=32768", "runs=3"}));
        assertThat(o.get("uploadBytes")).hasValue(65536.0);
        assertThat(o.get("downloadBytes")).hasValue(32768.0);
        assertThat(o.get("uploadRuns")).hasValue(3.0);
        assertThat(o.cpuPerGib("download")).isPresent();
      }
      // one connection for the warm-up and every measurement (the stats streams ride on it too)
      assertThat(server.execute(new String[] {"connections", "1", "10000"}).get("connections")).isEqualTo(1);
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> dialer.execute(new String[] {"measure", "upload"})))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: key=value");
    } finally {
      dialer.execute(new String[] {"stop"});
    }
  }
}
