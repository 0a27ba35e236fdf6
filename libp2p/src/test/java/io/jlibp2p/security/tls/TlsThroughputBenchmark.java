package io.jlibp2p.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.testing.SocketPair;
import io.jlibp2p.spi.SecureConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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

  /** One core sealing 16 KiB records with AES-128-GCM, for 64 MiB: the reference rate. */
  static double aesGcmMiBPerSecond() throws Exception {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    byte[] in = new byte[1 << 14];
    byte[] out = new byte[in.length + 16];
    byte[] nonce = new byte[12];
    long start = System.nanoTime();
    for (int i = 0; i < 4096; i++) {
      nonce[0] = (byte) i;
      nonce[1] = (byte) (i >>> 8);
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.doFinal(in, 0, in.length, out, 0);
    }
    return 64 / ((System.nanoTime() - start) / 1e9);
  }

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
        double aes = aesGcmMiBPerSecond();
        System.out.printf(
            "TLS loopback: 256 MiB in %.3f s = %.0f MiB/s; one core's AES-128-GCM now: %.0f MiB/s (%.0f%%)%n",
            seconds, 256 / seconds, aes, 100 * (256 / seconds) / aes);
      }
    }
  }
}
