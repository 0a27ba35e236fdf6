package io.jlibp2p.security.noise;

import io.jlibp2p.crypto.KeyType;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.security.testing.SecureChannels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Transfers 256 MiB over a loopback Noise connection and prints the rate. Run with {@code
 * -Djlibp2p.bench=true -Dtest=NoiseThroughputBenchmark}.
 */
@EnabledIfSystemProperty(named = "jlibp2p.bench", matches = "true")
class NoiseThroughputBenchmark {
  @Test
  void loopbackTransfer() throws Exception {
    NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519));
    for (double rate : SecureChannels.loopbackRates(dialer, listener, 256, 8)) {
      System.out.printf("Noise loopback: 256 MiB at %.0f MiB/s%n", rate);
    }
  }
}
