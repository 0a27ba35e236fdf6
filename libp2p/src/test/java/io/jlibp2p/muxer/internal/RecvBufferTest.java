package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.internal.BufferPool;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RecvBufferTest {
  /** Interleaved appends (in frames of any size) and reads of any size preserve the byte order. */
  @Property(tries = 300)
  void bytesComeOutInOrder(
      @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 200_000) Integer> frames,
      @ForAll @IntRange(min = 1, max = 100_000) int readSize,
      @ForAll long seed) {
    Random random = new Random(seed);
    RecvBuffer buffer = new RecvBuffer();
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] dst = new byte[readSize];
    for (int frame : frames) {
      int left = frame;
      while (left > 0) {
        byte[] chunk = buffer.writeChunk(left);
        int pos = buffer.writePosition();
        int n = Math.min(left, 1 + random.nextInt(chunk.length - pos));
        for (int i = 0; i < n; i++) {
          chunk[pos + i] = (byte) random.nextInt();
        }
        in.write(chunk, pos, n);
        buffer.commit(n);
        left -= n;
      }
      if (random.nextBoolean()) {
        int n = buffer.read(dst, 0, dst.length);
        out.write(dst, 0, n);
      }
    }
    int n;
    while ((n = buffer.read(dst, 0, dst.length)) > 0) {
      out.write(dst, 0, n);
    }
    assertThat(buffer.size()).isZero();
    assertThat(out.toByteArray()).isEqualTo(in.toByteArray());
  }

  /** Chunks the application has read go back: the stream keeps one, the pool the others. */
  @org.junit.jupiter.api.Test
  void readChunksAreReusedInsteadOfAllocated() {
    BufferPool pool = new BufferPool(RecvBuffer.LARGE_CHUNK, 8);
    RecvBuffer a = new RecvBuffer(pool);
    List<byte[]> filled = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] c = a.writeChunk(RecvBuffer.LARGE_CHUNK);
      assertThat(a.writePosition()).isZero();
      filled.add(c);
      a.commit(c.length);
    }
    assertThat(a.read(new byte[3 * RecvBuffer.LARGE_CHUNK], 0, 3 * RecvBuffer.LARGE_CHUNK)).isEqualTo(3 * RecvBuffer.LARGE_CHUNK);
    assertThat(pool.pooled()).isEqualTo(2); // the third is a's spare

    RecvBuffer b = new RecvBuffer(pool);
    byte[] first = b.writeChunk(RecvBuffer.LARGE_CHUNK);
    b.commit(first.length);
    byte[] second = b.writeChunk(RecvBuffer.LARGE_CHUNK);
    assertThat(List.of(first, second)).allMatch(c -> filled.stream().anyMatch(f -> f == c));
    assertThat(pool.pooled()).isZero();
    assertThat(a.writeChunk(RecvBuffer.LARGE_CHUNK)).isIn(filled.toArray()); // the spare
  }
}
