package io.jlibp2p.bench.jmh;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.noise.NoiseTransport;
import io.jlibp2p.spi.SecureConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Noise transport frames through the public API: a finished XX handshake over a {@link
 * MemoryPipe}, then {@code encrypt} (one write of {@code size} bytes, framed and encrypted, the
 * ciphertext dropped) and {@code encryptDecrypt} (the same write read back by the responder). The
 * decrypt cost is the difference. {@code size} 65519 is one full frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NoiseBenchmark {
  @Param({"1024", "65519"})
  int size;

  private MemoryPipe pipe;
  private SecureConnection initiator;
  private SecureConnection responder;
  private byte[] plaintext;
  private byte[] received;

  @Setup(Level.Trial)
  public void handshake() throws Exception {
    pipe = new MemoryPipe();
    NoiseTransport a = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    NoiseTransport b = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    CompletableFuture<SecureConnection> inbound = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        inbound.complete(b.secureInbound(pipe.b(), List.of()));
      } catch (IOException | RuntimeException e) {
        inbound.completeExceptionally(e);
      }
    });
    initiator = a.secureOutbound(pipe.a(), b.localPeer(), List.of());
    responder = inbound.get(30, TimeUnit.SECONDS);
    plaintext = new byte[size];
    received = new byte[size];
  }

  @TearDown(Level.Trial)
  public void close() {
    initiator.close();
    responder.close();
  }

  @Benchmark
  public void encrypt() throws IOException {
    OutputStream out = initiator.out();
    out.write(plaintext);
    out.flush();
    pipe.discardAtoB();
  }

  @Benchmark
  public byte[] encryptDecrypt() throws IOException {
    OutputStream out = initiator.out();
    out.write(plaintext);
    out.flush();
    InputStream in = responder.in();
    int n = 0;
    while (n < received.length) {
      int r = in.read(received, n, received.length - n);
      if (r < 0) {
        throw new IOException("stream ended");
      }
      n += r;
    }
    return received;
  }
}
