package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
}
