package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.internal.BufferPool;
import io.jlibp2p.testing.ChunkedSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameInputTest {
  private static byte[] header(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value, 0, 0, 0, 0, 0, 0, 0, 0
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void aWaitingReaderGivesItsBufferBackAndWaitsInASmallRead() throws Exception {
    BufferPool pool = new BufferPool(1024, 4);
    byte[] payload = {1, 2, 3, 4};
    ChunkedSource source = new ChunkedSource(List.of(concat(header(7), payload), header(9)));
    FrameInput input = new FrameInput(source, pool, new DeferredSignals());
    source.holding = input::holdsBuffer;
    assertThat(input.holdsBuffer()).isFalse(); // nothing read yet

    assertThat(input.require(12)).isTrue();
    assertThat(input.intAt(0)).isEqualTo(7);
    input.advance(12);
    byte[] got = new byte[4];
    assertThat(input.readSome(got, 0, 4, 4)).isEqualTo(4);
    assertThat(got).containsExactly(payload);
    assertThat(input.holdsBuffer()).isTrue();

    // everything consumed, nothing more available: the next header is waited for without a buffer
    assertThat(input.require(12)).isTrue();
    assertThat(input.intAt(0)).isEqualTo(9);
    input.advance(12);
    // the first wait, before any data, held no buffer either
    assertThat(source.reads()).containsExactly("wait held=false len=" + FrameInput.IDLE_READ, "wait held=false len=" + FrameInput.IDLE_READ);
    assertThat(pool.pooled()).isZero(); // taken again once the bytes came

    assertThat(input.require(12)).isFalse(); // a clean end between frames
    assertThat(source.reads()).last().isEqualTo("wait held=false len=" + FrameInput.IDLE_READ);
    assertThat(pool.pooled()).isEqualTo(1);
  }

  @Test
  void aReaderWithBytesWaitingKeepsItsBufferAndReadsInBulk() throws Exception {
    BufferPool pool = new BufferPool(1024, 4);
    byte[] first = header(1);
    first = java.util.Arrays.copyOf(first, 8); // a header cut in two
    byte[] rest = concat(java.util.Arrays.copyOfRange(header(1), 8, 12), concat(header(2), new byte[100]));
    ChunkedSource source = new ChunkedSource(List.of(first, rest));
    FrameInput input = new FrameInput(source, pool, null);
    source.holding = input::holdsBuffer;
    assertThat(input.require(12)).isTrue(); // waits for the first part, then for the rest in bulk
    assertThat(input.intAt(0)).isEqualTo(1);
    input.advance(12);
    assertThat(input.require(12)).isTrue(); // buffered already
    assertThat(input.intAt(0)).isEqualTo(2);
    input.advance(12);
    assertThat(input.available()).isEqualTo(100);
    assertThat(source.reads()).containsExactly("wait held=false len=" + FrameInput.IDLE_READ, "wait held=true len=1016");
  }

  @Test
  void aFixedBufferIsNeverGivenBack() throws Exception {
    ChunkedSource source = new ChunkedSource(List.of(header(5), header(6)));
    FrameInput input = new FrameInput(source, 256, null);
    source.holding = input::holdsBuffer;
    assertThat(input.require(12)).isTrue();
    input.advance(12);
    assertThat(input.require(12)).isTrue();
    input.advance(12);
    assertThat(source.reads()).containsExactly("wait held=true len=256", "wait held=true len=256");
  }
}
