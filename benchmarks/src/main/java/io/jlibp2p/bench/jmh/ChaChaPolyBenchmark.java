package io.jlibp2p.bench.jmh;

import io.jlibp2p.security.noise.internal.CipherState;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Noise's ChaCha20-Poly1305 on one full transport frame (65,519 bytes of plaintext), in both forms
 * side by side: {@code jdk} (the JDK's AEAD) and {@code split} (the JDK's ChaCha20 with jlibp2p's
 * Poly1305). Which one Noise uses is chosen per machine; this shows what each costs here. {@code
 * split} uses the vector Poly1305 where it can run (see {@code Poly1305}); {@code -jvmArgsAppend
 * -Djlibp2p.poly1305=scalar} measures the scalar one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChaChaPolyBenchmark {
  static final int FRAME = 65_519;

  @Param({"jdk", "split"})
  String form;

  private CipherState sealer;
  private CipherState opener;
  private byte[] plaintext;
  private byte[] sealed;
  private byte[] opened;

  @Setup(Level.Trial)
  public void keys() throws Exception {
    byte[] key = new byte[32];
    key[0] = 1;
    sealer = CipherState.withKey(key, form);
    opener = CipherState.withKey(key, form);
    plaintext = new byte[FRAME];
    sealed = new byte[FRAME + CipherState.TAG_LENGTH];
    opened = new byte[FRAME];
  }

  /** Encrypts one frame (a fresh nonce each time). */
  @Benchmark
  public byte[] encrypt() throws Exception {
    sealer.encryptWithAd(null, plaintext, 0, FRAME, sealed, 0);
    return sealed;
  }

  /** Encrypts one frame and decrypts it again; the decrypt cost is the difference. */
  @Benchmark
  public byte[] encryptDecrypt() throws Exception {
    sealer.encryptWithAd(null, plaintext, 0, FRAME, sealed, 0);
    try {
      opener.decryptWithAd(null, sealed, 0, sealed.length, opened, 0);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("a frame this benchmark sealed failed to open", e);
    }
    return opened;
  }
}
