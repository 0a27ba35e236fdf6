package io.jlibp2p.transport.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.testing.ChunkedSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WsBufferPoolTest {
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
  void theSendBufferIsHeldOnlyUntilTheBurstIsFlushedAndConnectionsShareThePool() throws IOException {
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

  @Test
  void aReaderWaitingForTheNextFrameHoldsNoBuffer() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    WsOutput out = new WsOutput(wire, false, new SplittableRandom(3), 100);
    out.write(new byte[] {1, 2, 3});
    out.flush();
    byte[] first = wire.toByteArray();
    wire.reset();
    out.write(new byte[] {4});
    out.flush();
    byte[] second = wire.toByteArray();

    BufferPool buffers = new BufferPool(1024, 2);
    ChunkedSource source = new ChunkedSource(List.of(first, second));
    WsInput in = new WsInput(source, false, 1 << 20, buffers, NO_PEER);
    source.holding = in::holdsBuffer;
    byte[] got = new byte[10];
    assertThat(in.read(got, 0, 10)).isEqualTo(3);
    assertThat(in.read(got, 3, 7)).isEqualTo(1);
    assertThat(in.read(got, 4, 6)).isEqualTo(-1);
    assertThat(got).startsWith(1, 2, 3, 4);
    // every wait for a frame was a small read without the buffer
    assertThat(source.reads()).containsExactly("wait held=false len=64", "wait held=false len=64", "wait held=false len=64");
    assertThat(buffers.pooled()).isEqualTo(1);
  }
}
