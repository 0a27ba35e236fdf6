package io.jlibp2p.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.internal.BufferPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WsOutputPoolTest {
  private static final WsInput.Peer NO_PEER =
      new WsInput.Peer() {
        @Override
        public void onPing(byte[] payload, int len) {}

        @Override
        public void onClose(int code) {}

        @Override
        public void onViolation(int closeCode, String message) {
          throw new AssertionError(message);
        }
      };

  private static byte[] payloadOf(byte[] wire, boolean masked) throws IOException {
    WsInput in = new WsInput(new ByteArrayInputStream(wire), masked, 1 << 20, 1024, NO_PEER);
    return in.readAllBytes();
  }

  @Test
  void theFrameBufferIsHeldOnlyUntilTheBurstIsFlushedAndConnectionsShareThePool() throws IOException {
    BufferPool frames = WsOutput.framePool(100, 4);
    ByteArrayOutputStream wireA = new ByteArrayOutputStream();
    ByteArrayOutputStream wireB = new ByteArrayOutputStream();
    WsOutput a = new WsOutput(wireA, true, new SplittableRandom(1), frames);
    WsOutput b = new WsOutput(wireB, false, new SplittableRandom(2), frames);
    assertThat(a.holdsFrame()).isFalse();

    a.write(new byte[] {1, 2, 3});
    b.write(new byte[] {9});
    assertThat(a.holdsFrame()).isTrue();
    assertThat(b.holdsFrame()).isTrue();
    a.flush();
    assertThat(a.holdsFrame()).isFalse();
    assertThat(frames.pooled()).isEqualTo(1);

    // b's burst goes on while a's buffer is pooled; a takes one again for its next burst
    byte[] longer = new byte[250]; // more than two frames of 100
    for (int i = 0; i < longer.length; i++) {
      longer[i] = (byte) i;
    }
    a.write(longer);
    b.write(8);
    a.flush();
    b.flush();
    assertThat(a.holdsFrame()).isFalse();
    assertThat(b.holdsFrame()).isFalse();
    assertThat(frames.pooled()).isEqualTo(2);

    ByteArrayOutputStream expectedA = new ByteArrayOutputStream();
    expectedA.write(new byte[] {1, 2, 3});
    expectedA.write(longer);
    assertThat(payloadOf(wireA.toByteArray(), true)).isEqualTo(expectedA.toByteArray());
    assertThat(payloadOf(wireB.toByteArray(), false)).containsExactly(9, 8);
  }
}
