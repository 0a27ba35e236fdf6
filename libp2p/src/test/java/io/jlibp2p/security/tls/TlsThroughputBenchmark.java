package io.jlibp2p.security.tls;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.testing.SecureChannels;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Transfers 256 MiB over a loopback TLS connection and prints the rate, next to one core's
 * AES-128-GCM rate measured right after. Run with {@code -Djlibp2p.bench=true
 * -Dtest=TlsThroughputBenchmark}.
 */
@EnabledIfSystemProperty(named = "jlibp2p.bench", matches = "true")
class TlsThroughputBenchmark {
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
    for (double rate : SecureChannels.loopbackRates(dialer, listener, 256, 8)) {
      double aes = aesGcmMiBPerSecond();
      System.out.printf(
          "TLS loopback, 256 MiB: %.0f MiB/s; one core's AES-128-GCM now: %.0f MiB/s (%.0f%%)%n",
          rate, aes, 100 * rate / aes);
    }
  }
}
