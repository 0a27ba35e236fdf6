package io.jlibp2p.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.spi.SecureConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Transfers 256 MiB over a loopback TLS connection and prints the rate. Run with {@code
 * -Djlibp2p.bench=true -Dtest=TlsThroughputBenchmark}.
 */
@EnabledIfSystemProperty(named = "jlibp2p.bench", matches = "true")
class TlsThroughputBenchmark {
  static final long TOTAL = 256L << 20;

  @Test
  void loopbackTransfer() throws Exception {
    TlsTransport dialer = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    TlsTransport listener = new TlsTransport(PrivateKey.generate(KeyType.ED25519));
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          executor.submit(() -> listener.secureInbound(pair.listener, List.of()));
      SecureConnection out = dialer.secureOutbound(pair.dialer, null, List.of());
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
      for (int round = 0; round < 8; round++) {
        Future<Long> received =
            executor.submit(
                () -> {
                  InputStream is = in.in();
                  byte[] buf = new byte[1 << 20];
                  long n = 0;
                  while (n < TOTAL) {
                    int r = is.read(buf);
                    if (r < 0) {
                      break;
                    }
                    n += r;
                  }
                  return n;
                });
        long start = System.nanoTime();
        OutputStream os = out.out();
        byte[] chunk = new byte[1 << 20];
        for (long sent = 0; sent < TOTAL; sent += chunk.length) {
          os.write(chunk);
        }
        os.flush();
        assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(TOTAL);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "TLS loopback: 256 MiB in %.3f s = %.0f MiB/s%n", seconds, 256 / seconds);
      }
    }
  }
}
