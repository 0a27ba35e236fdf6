package io.jlibp2p.transport.quic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.SecureMuxedConnection;
import io.jlibp2p.spi.SecureMuxedListener;
import io.jlibp2p.transport.quic.QuicConfig;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QuicEngineTest {
  private static QuicEngine engine() {
    return new QuicEngine(
        PrivateKey.generate(KeyType.ED25519), QuicConfig.DEFAULT, new SecureRandom(), InstantSource.system());
  }

  /**
   * On Linux every socket asks the kernel to coalesce datagrams (UDP GRO), and a transfer both ways
   * arrives whole: the segmented trains each side sends are split back into datagrams on receipt.
   */
  @Test
  void socketsCoalesceReceivedDatagramsAndTransfersArriveWhole() throws Exception {
    assumeTrue(QuicEngine.GRO, "epoll with GRO (Linux, jlibp2p.quic.gro not false)");
    byte[] data = new byte[8 * 1024 * 1024];
    new Random(7).nextBytes(data);
    try (QuicEngine a = engine();
        QuicEngine b = engine();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      SecureMuxedListener l = b.listen(new InetSocketAddress("127.0.0.1", 0));
      Future<SecureMuxedConnection> accepted = threads.submit(l::accept);
      int port = Integer.parseInt(l.localAddress().toString().split("/")[4]);
      SecureMuxedConnection c = a.dial(new InetSocketAddress("127.0.0.1", port), null, Duration.ofSeconds(10));
      SecureMuxedConnection s = accepted.get(10, TimeUnit.SECONDS);
      assertThat(a.coalescingSockets()).isEqualTo(a.openSockets()).isEqualTo(1);
      assertThat(b.coalescingSockets()).isEqualTo(b.openSockets()).isEqualTo(1);

      Future<byte[]> echoed =
          threads.submit(
              () -> {
                MuxedStream in = s.acceptStream();
                byte[] got = in.in().readAllBytes();
                in.out().write(got);
                in.close();
                return got;
              });
      MuxedStream out = c.openStream();
      Future<?> writer =
          threads.submit(
              () -> {
                out.out().write(data);
                out.closeWrite();
                return null;
              });
      InputStream back = out.in();
      byte[] returned = back.readAllBytes();
      writer.get(30, TimeUnit.SECONDS);
      assertThat(Arrays.equals(echoed.get(30, TimeUnit.SECONDS), data)).as("uploaded bytes").isTrue();
      assertThat(Arrays.equals(returned, data)).as("downloaded bytes").isTrue();
      out.close();
      c.close();
      s.close();
      l.close();
    }
  }
}
