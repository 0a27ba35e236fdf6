package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
  /** Records what was written and how many flushes reached it. */
  private static final class Sink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int flushes;

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  private static byte[] bytes(int len, int seed) {
    byte[] b = new byte[len];
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (seed + i * 31);
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      all.write(p, 0, p.length);
    }
    return all.toByteArray();
  }

  @Test
  void theStagingBufferIsHeldOnlyUntilTheBurstIsFlushed() throws IOException {
    Sink sink = new Sink();
    FrameWriter w = new FrameWriter(sink, 1024);
    assertThat(w.holdsStage()).isFalse();

    byte[] h1 = bytes(12, 1);
    byte[] p1 = bytes(100, 2);
    w.writeFrame(h1, h1.length, p1, 0, p1.length, false);
    assertThat(w.holdsStage()).isTrue(); // staged, not yet written
    assertThat(sink.bytes.size()).isZero();

    byte[] h2 = bytes(12, 3);
    byte[] p2 = bytes(3000, 4);
    w.writeFrame(h2, h2.length, p2, 0, p2.length, true);
    assertThat(w.holdsStage()).isFalse();
    assertThat(sink.flushes).isEqualTo(1);
    assertThat(sink.bytes.toByteArray()).isEqualTo(concat(h1, p1, h2, p2));
  }

  @Test
  void framesLargerThanTheStageAndControlFramesLeaveNoBufferHeld() throws IOException, InterruptedException {
    Sink sink = new Sink();
    FrameWriter w = new FrameWriter(sink, 1024);
    byte[] h = bytes(12, 5);
    byte[] big = bytes(3 * FrameWriter.COPY_THRESHOLD, 6);
    w.writeFrame(h, h.length, big, 0, big.length, true);
    assertThat(w.holdsStage()).isFalse();

    byte[] ctl = bytes(12, 7);
    assertThat(w.offerControl(ctl, 0, ctl.length)).isTrue();
    assertThat(w.awaitControl(0)).isTrue();
    w.drainControl();
    assertThat(w.holdsStage()).isFalse();

    // many small frames without a flush wrap around the stage, then one flush ends the burst
    byte[] small = bytes(1000, 8);
    byte[] expected = concat(h, big, ctl);
    for (int i = 0; i < 40; i++) {
      w.writeFrame(h, h.length, small, 0, small.length, false);
      expected = concat(expected, h, small);
    }
    assertThat(w.holdsStage()).isTrue();
    w.flush();
    assertThat(w.holdsStage()).isFalse();
    assertThat(Arrays.equals(sink.bytes.toByteArray(), expected)).isTrue();
  }
}
