package io.jlibp2p.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The measurements with no engine move every byte: each run checks that the reader counted exactly
 * what was sent and opens every frame or record (a wrong byte fails its tag), so a rate comes back
 * only from a complete, intact transfer.
 */
@Timeout(60)
class CeilingsTest {
  /** Not a whole number of frames or records, so that the last one is short. */
  private static final long BYTES = 3 * 1024 * 1024 + 12_345;

  @Test
  void noiseFramesArriveWhole() throws Exception {
    assertThat(Ceilings.noiseFrames(BYTES, BYTES)).isPositive();
  }

  @Test
  void tlsRecordsArriveWhole() throws Exception {
    assertThat(Ceilings.aes128GcmRecords(BYTES, BYTES)).isPositive();
  }
}
