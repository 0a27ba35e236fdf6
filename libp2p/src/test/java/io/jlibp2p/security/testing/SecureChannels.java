package io.jlibp2p.security.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.spi.SecureConnection;
import io.jlibp2p.spi.SecureTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks shared by the secure channel tests: transfers, expected failures, loopback rates. */
public final class SecureChannels {
  private SecureChannels() {}

  /** The exception {@code f} fails with; an AssertionError if it succeeds or hangs for 20 s. */
  public static Throwable failure(Future<?> f) throws InterruptedException {
    try {
      f.get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("hung", e);
    }
  }

  /**
   * Sends {@code size} random bytes through a, in chunks of assorted sizes (single bytes
   * included), and checks that b reads exactly them.
   */
  public static void exchange(
      ExecutorService executor, SecureConnection a, SecureConnection b, int size) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Future<byte[]> received = executor.submit(() -> b.in().readNBytes(size));
    OutputStream out = a.out();
    int pos = 0;
    int chunk = 1;
    while (pos < size) {
      int n = Math.min(chunk, size - pos);
      if (n == 1) {
        out.write(data[pos]);
      } else {
        out.write(data, pos, n);
      }
      pos += n;
      chunk = chunk * 7 + 3;
    }
    out.flush();
    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(data);
  }

  /**
   * Secures a loopback TCP connection with {@code dialer} and {@code listener}, then sends {@code
   * megabytes} MiB through it in 1 MiB writes, {@code rounds} times; returns each round's rate in
   * MiB/s.
   */
  public static double[] loopbackRates(
      SecureTransport dialer, SecureTransport listener, int megabytes, int rounds)
      throws Exception {
    long total = (long) megabytes << 20;
    double[] rates = new double[rounds];
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        SocketPair pair = new SocketPair()) {
      Future<SecureConnection> inbound =
          executor.submit(() -> listener.secureInbound(pair.listener, List.of()));
      SecureConnection out = dialer.secureOutbound(pair.dialer, null, List.of());
      SecureConnection in = inbound.get(10, TimeUnit.SECONDS);
      for (int round = 0; round < rounds; round++) {
        Future<Long> received =
            executor.submit(
                () -> {
                  InputStream is = in.in();
                  byte[] buf = new byte[1 << 20];
                  long n = 0;
                  while (n < total) {
                    int r = is.read(buf);
                    if (r < 0) {
                      break;
                    }
                    n += r;
                  }
                  return n;
                });
        long start = System.nanoTime();
        byte[] chunk = new byte[1 << 20];
        for (long sent = 0; sent < total; sent += chunk.length) {
          out.out().write(chunk);
        }
        out.out().flush();
        assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(total);
        rates[round] = megabytes / ((System.nanoTime() - start) / 1e9);
      }
    }
    return rates;
  }
}
