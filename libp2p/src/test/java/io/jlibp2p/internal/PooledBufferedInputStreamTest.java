package io.jlibp2p.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.testing.ChunkedSource;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PooledBufferedInputStreamTest {
  private static PooledBufferedInputStream over(ChunkedSource c, BufferPool pool) {
    PooledBufferedInputStream s = new PooledBufferedInputStream(c, pool);
    c.holding = s::holdsBuffer;
    return s;
  }

  @Test
  void everyByteArrivesInOrderWhateverTheReadSizes() throws Exception {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      List<byte[]> chunks = new ArrayList<>();
      for (int i = random.nextInt(20); i >= 0; i--) {
        byte[] c = new byte[1 + random.nextInt(3000)];
        random.nextBytes(c);
        chunks.add(c);
        sent.write(c, 0, c.length);
      }
      BufferPool pool = new BufferPool(1024, 2);
      PooledBufferedInputStream in = over(new ChunkedSource(chunks), pool);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (true) {
        int b;
        if (random.nextInt(4) == 0) {
          b = in.read();
          if (b < 0) {
            break;
          }
          got.write(b);
        } else {
          byte[] a = new byte[1 + random.nextInt(2500)];
          int n = in.read(a, 0, a.length);
          if (n < 0) {
            break;
          }
          assertThat(n).isPositive();
          got.write(a, 0, n);
        }
      }
      assertThat(got.toByteArray()).isEqualTo(sent.toByteArray());
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void shortMessagesAreServedFromTheSmallReadWithoutAPooledBuffer() throws Exception {
    BufferPool pool = new BufferPool(1024, 2);
    ChunkedSource c = new ChunkedSource(List.of(new byte[] {1, 2, 3}, new byte[] {4, 5}));
    PooledBufferedInputStream in = over(c, pool);

    assertThat(in.read()).isEqualTo(1);
    assertThat(in.holdsBuffer()).isFalse();
    assertThat(in.available()).isEqualTo(2);
    byte[] a = new byte[10];
    assertThat(in.read(a, 0, 10)).isEqualTo(2);
    assertThat(in.read(a, 0, 10)).isEqualTo(2); // waits again, for {4, 5}
    assertThat(a[0]).isEqualTo((byte) 4);
    assertThat(in.read(a, 0, 10)).isEqualTo(-1);
    assertThat(in.holdsBuffer()).isFalse();
    assertThat(pool.pooled()).isZero(); // never needed one
    assertThat(c.reads()).containsExactly(
        "wait held=false len=64", "wait held=false len=64", "wait held=false len=64");
  }

  @Test
  void aFullSmallReadTakesABufferForTheRestAndLongerReadsBypassIt() throws Exception {
    BufferPool pool = new BufferPool(1024, 2);
    byte[] first = new byte[100];
    new Random(2).nextBytes(first);
    byte[] big = new byte[5000];
    new Random(1).nextBytes(big);
    ChunkedSource c = new ChunkedSource(List.of(first, big));
    PooledBufferedInputStream in = over(c, pool);
    byte[] got = new byte[100];
    assertThat(in.read(got, 0, 10)).isEqualTo(10); // waits; 64 come, then the 36 already there
    assertThat(in.holdsBuffer()).isTrue();
    for (int i = 10; i < 100; i += 10) {
      assertThat(in.read(got, i, 10)).isEqualTo(10); // all from the buffer
    }
    assertThat(got).isEqualTo(first);
    byte[] large = new byte[5000];
    assertThat(in.read(large, 0, 5000)).isEqualTo(5000); // straight from the underlying stream
    assertThat(large).isEqualTo(big);
    assertThat(in.holdsBuffer()).isFalse();
    assertThat(pool.pooled()).isEqualTo(1);
    assertThat(c.reads()).containsExactly("wait held=false len=64", "ready held=true len=36", "wait held=false len=5000");
  }

  @Test
  void refusesPoolsOfTinyBuffers() {
    assertThatThrownBy(() -> new PooledBufferedInputStream(InputStream.nullInputStream(), new BufferPool(16, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
