package io.jlibp2p.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PooledBufferedOutputStreamTest {
  /** Records the sizes of the writes that reach it, and its flushes. */
  private static final class Sink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<String> calls = new ArrayList<>();
    boolean failWrites;
    boolean closed;

    @Override
    public void write(int b) {
      throw new AssertionError("single-byte write of the underlying stream");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (failWrites) {
        throw new IOException("broken");
      }
      calls.add("write " + len);
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      calls.add("flush");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void everyByteGoesOutInOrderWhateverTheWriteSizes() throws IOException {
    Random random = new Random(3);
    for (int trial = 0; trial < 100; trial++) {
      Sink sink = new Sink();
      PooledBufferedOutputStream out = new PooledBufferedOutputStream(sink, new BufferPool(1024, 2));
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      for (int i = random.nextInt(40); i >= 0; i--) {
        switch (random.nextInt(4)) {
          case 0 -> {
            int b = random.nextInt(256);
            out.write(b);
            sent.write(b);
          }
          case 1 -> out.flush();
          default -> {
            byte[] a = new byte[random.nextInt(3000)];
            random.nextBytes(a);
            out.write(a, 0, a.length);
            sent.write(a, 0, a.length);
          }
        }
      }
      out.flush();
      assertThat(sink.bytes.toByteArray()).isEqualTo(sent.toByteArray());
      assertThat(out.holdsBuffer()).isFalse();
    }
  }

  @Test
  void smallWritesAreGatheredUntilTheFlushWhichGivesTheBufferBack() throws IOException {
    Sink sink = new Sink();
    BufferPool pool = new BufferPool(1024, 2);
    PooledBufferedOutputStream out = new PooledBufferedOutputStream(sink, pool);
    assertThat(out.holdsBuffer()).isFalse();
    out.write(new byte[100], 0, 100);
    out.write(7);
    out.write(new byte[200], 0, 200);
    assertThat(out.holdsBuffer()).isTrue();
    assertThat(sink.calls).isEmpty();
    out.flush();
    assertThat(sink.calls).containsExactly("write 301", "flush");
    assertThat(out.holdsBuffer()).isFalse();
    assertThat(pool.pooled()).isEqualTo(1);

    out.write(new byte[10], 0, 10);
    out.write(new byte[5000], 0, 5000); // the gathered bytes first, then the large write as it is
    assertThat(sink.calls).containsExactly("write 301", "flush", "write 10", "write 5000");
  }

  @Test
  void closeFlushesAndClosesEvenWhenTheFlushFails() throws IOException {
    Sink sink = new Sink();
    PooledBufferedOutputStream out = new PooledBufferedOutputStream(sink, new BufferPool(1024, 2));
    out.write(new byte[10], 0, 10);
    sink.failWrites = true;
    assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessage("broken");
    assertThat(sink.closed).isTrue();
  }
}
