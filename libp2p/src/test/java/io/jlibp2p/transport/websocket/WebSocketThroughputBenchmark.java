package io.jlibp2p.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.core.Host;
import io.jlibp2p.core.PeerInfo;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import io.jlibp2p.host.Libp2p;
import io.jlibp2p.muxer.yamux.YamuxMuxer;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.transport.tcp.TcpTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * 256 MiB over one Noise + yamux stream between two hosts, over tcp and over ws, alternating, and
 * prints the rates. Run with {@code -Djlibp2p.bench=true -Dtest=WebSocketThroughputBenchmark}.
 */
@EnabledIfSystemProperty(named = "jlibp2p.bench", matches = "true")
class WebSocketThroughputBenchmark {
  static final long TOTAL = 256L << 20;
  static final ProtocolId SINK = ProtocolId.of("/sink/1.0.0");

  @Test
  void tcpVersusWs() throws Exception {
    int rounds = Integer.getInteger("jlibp2p.bench.rounds", 5);
    double[] best = new double[2];
    for (int round = 0; round < rounds; round++) {
      for (int t = 0; t < 2; t++) {
        double rate = transfer(t == 0 ? "/ip4/127.0.0.1/tcp/0" : "/ip4/127.0.0.1/tcp/0/ws");
        best[t] = Math.max(best[t], rate);
        System.out.printf("%s noise/yamux 256 MiB: %.0f MiB/s%n", t == 0 ? "tcp" : "ws ", rate);
      }
    }
    System.out.printf("best: tcp %.0f MiB/s, ws %.0f MiB/s, ws/tcp = %.2f%n", best[0], best[1], best[1] / best[0]);
  }

  private static double transfer(String listen) throws Exception {
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
        Host server = Libp2p.builder().transport(new TcpTransport()).transport(new WebSocketTransport())
            .listen(listen).security(NoiseTransport::new).muxer(new YamuxMuxer())
            .handler(SINK, s -> {
              InputStream in = s.in();
              byte[] buf = new byte[1 << 20];
              long n = 0;
              for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
              }
              s.out().write(Long.toString(n).getBytes());
            }).build();
        Host client = Libp2p.builder().transport(new TcpTransport()).transport(new WebSocketTransport())
            .security(NoiseTransport::new).muxer(new YamuxMuxer()).build()) {
      client.connect(new PeerInfo(server.peerId(), server.listenAddresses()));
      try (Stream s = client.newStream(server.peerId(), SINK)) {
        Future<byte[]> answer = ex.submit(() -> s.in().readAllBytes());
        long start = System.nanoTime();
        OutputStream out = s.out();
        byte[] chunk = new byte[1 << 20];
        for (long sent = 0; sent < TOTAL; sent += chunk.length) {
          out.write(chunk);
        }
        s.closeWrite();
        assertThat(new String(answer.get(120, TimeUnit.SECONDS))).isEqualTo(Long.toString(TOTAL));
        return 256 / ((System.nanoTime() - start) / 1e9);
      }
    }
  }
}
