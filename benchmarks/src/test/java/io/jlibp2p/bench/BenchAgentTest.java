package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.multiformats.Multiaddr;
import org.junit.jupiter.api.Test;

class BenchAgentTest {
  @Test
  void warmUpReadsBothCompilersAndStopsAtItsLimit() throws Exception {
    BenchAgent server = new BenchAgent();
    try (Host client = BenchAgent.clientHost(Combination.named("tcp/noise/yamux"))) {
      String addr = (String) server.execute(new String[] {"listen", "tcp/noise/yamux"}).get("addr");
      Connection c = client.connect(Multiaddr.parse(addr));

      // client and server share this JVM here: the sum counts its compilers twice
      long local = BenchAgent.compilerMillis();
      long both = BenchAgent.compilerMillis(c);
      assertThat(local).isNotNegative();
      assertThat(both).isGreaterThanOrEqualTo(2 * local);

      // a limit shorter than one quiet window: the warm-up ends at the limit, after whole rounds
      BenchAgent.ClientPlan p = BenchAgent.ClientPlan.of(java.util.Map.of("warmup", "65536", "warmupMillis", "100", "warmupMaxMillis", "300"));
      double seconds = BenchAgent.warmUp(c, p);
      assertThat(seconds).isBetween(0.3, 0.3 + BenchAgent.QUIET_WINDOW_NANOS / 1e9);
    } finally {
      server.execute(new String[] {"stop"});
    }
  }
}
