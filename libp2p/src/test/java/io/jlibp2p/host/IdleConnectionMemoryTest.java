package io.jlibp2p.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idle Noise + yamux connections hold little memory: their large buffers are taken only while
 * data moves. Both ends live in this JVM, so each connection is counted twice.
 */
@Timeout(120)
class IdleConnectionMemoryTest {
  /** Connections opened. */
  static final int CONNECTIONS = 200;

  /** Heap per connection, both ends together: twice the 64 KiB per end aimed at, plus slack. */
  static final long MAX_BYTES_PER_CONNECTION = 192 * 1024;

  @Test
  void anIdleConnectionHoldsNoLargeBuffers() throws Exception {
    try (Host server = host().listen("/ip4/127.0.0.1/tcp/0").build();
        Host client = host().noListen().build()) {
      Multiaddr addr = server.listenAddresses().getFirst();
      for (int i = 0; i < 20; i++) { // warm up
        client.connect(addr).close();
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.connections().isEmpty());
      long before = heapAfterGc();
      List<Connection> open = new ArrayList<>();
      for (int i = 0; i < CONNECTIONS; i++) {
        open.add(client.connect(addr));
      }
      // identify has run both ways on every connection: the streams it used are gone
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(
          () -> server.connections().size() == CONNECTIONS);
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
          () -> heapAfterGc() - before < MAX_BYTES_PER_CONNECTION * CONNECTIONS);
      long perConnection = (heapAfterGc() - before) / CONNECTIONS;
      System.out.printf("idle Noise+yamux connection, both ends: %d KiB of heap%n", perConnection / 1024);
      assertThat(perConnection).isLessThan(MAX_BYTES_PER_CONNECTION);
      open.forEach(Connection::close);
    }
  }

  private static Libp2p.Builder host() {
    return Libp2p.builder().transport(new TcpTransport()).security(NoiseTransport::new).muxer(new YamuxMuxer());
  }

  private static long heapAfterGc() {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return m.getHeapMemoryUsage().getUsed();
  }
}
