package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.internal.BufferPool;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

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
  @Test
  void readChunksAreReusedInsteadOfAllocated() {
    BufferPool pool = new BufferPool(RecvBuffer.LARGE_CHUNK, 8);
    RecvBuffer a = new RecvBuffer(pool);
    List<byte[]> filled = new ArrayList<>();
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

  /**
   * Frames a little shorter than a chunk (a Noise frame's 65,519 bytes) each start a fresh chunk:
   * the nearly full chunk before is closed, so the layer below can write the whole frame in place.
   */
  @Test
  void aNearlyFullChunkIsClosedForALongerWrite() {
    RecvBuffer b = new RecvBuffer(new BufferPool(RecvBuffer.LARGE_CHUNK, 8));
    int frame = 65_519;
    byte[] previous = null;
    for (int i = 0; i < 5; i++) {
      byte[] c = b.writeChunk(4 * frame);
      assertThat(c).isNotSameAs(previous);
      assertThat(b.writePosition()).isZero();
      assertThat(c.length - b.writePosition()).isGreaterThanOrEqualTo(frame);
      Arrays.fill(c, 0, frame, (byte) i);
      b.commit(frame);
      previous = c;
    }
    assertThat(b.chunks()).isEqualTo(5);
    byte[] all = new byte[5 * frame + 10];
    assertThat(b.read(all, 0, all.length)).isEqualTo(5 * frame);
    for (int i = 0; i < 5; i++) {
      assertThat(all[i * frame]).isEqualTo((byte) i);
      assertThat(all[i * frame + frame - 1]).isEqualTo((byte) i);
    }
    assertThat(b.size()).isZero();
    assertThat(b.chunks()).isEqualTo(1); // the last stays: the reader may still write into it
  }

  /** A chunk with a quarter or more of room left keeps filling, and a write that fits is kept too. */
  @Test
  void roomyChunksAndFittingWritesStay() {
    RecvBuffer b = new RecvBuffer(new BufferPool(RecvBuffer.LARGE_CHUNK, 8));
    byte[] c = b.writeChunk(RecvBuffer.LARGE_CHUNK);
    b.commit(RecvBuffer.LARGE_CHUNK - RecvBuffer.SEAL_BELOW);
    assertThat(b.writeChunk(RecvBuffer.LARGE_CHUNK)).isSameAs(c); // room = SEAL_BELOW: kept
    b.commit(1);
    assertThat(b.writeChunk(RecvBuffer.SEAL_BELOW - 1)).isSameAs(c); // fits exactly: kept
    assertThat(b.writeChunk(RecvBuffer.SEAL_BELOW)).isNotSameAs(c); // nearly full, longer: closed
    assertThat(b.chunks()).isEqualTo(2);
  }

  /**
   * However the bytes arrive, the closed chunks (all but the one being written) are at least three
   * quarters full: they hold at most 4/3 of the bytes buffered.
   */
  @Property(tries = 200)
  void closedChunksStayMostlyFull(
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 1, max = 200_000) Integer> frames,
      @ForAll long seed) {
    Random random = new Random(seed);
    RecvBuffer buffer = new RecvBuffer(new BufferPool(RecvBuffer.LARGE_CHUNK, 8));
    List<byte[]> chunks = new ArrayList<>();
    for (int frame : frames) {
      int left = frame;
      while (left > 0) {
        byte[] chunk = buffer.writeChunk(left);
        if (chunks.isEmpty() || chunks.get(chunks.size() - 1) != chunk) {
          chunks.add(chunk);
        }
        int n = Math.min(left, 1 + random.nextInt(chunk.length - buffer.writePosition()));
        buffer.commit(n);
        left -= n;
      }
    }
    assertThat(buffer.chunks()).isEqualTo(chunks.size());
    long closed = chunks.subList(0, chunks.size() - 1).stream().mapToLong(c -> c.length).sum();
    assertThat(closed).isLessThanOrEqualTo(buffer.size() * 4L / 3);
  }

  /** Bytes dropped by clear() never come back, and the buffer keeps working afterwards. */
  @Test
  void clearKeepsOnlyTheChunkBeingWritten() {
    RecvBuffer b = new RecvBuffer(new BufferPool(RecvBuffer.LARGE_CHUNK, 8));
    for (int i = 0; i < 3; i++) {
      b.writeChunk(65_519);
      b.commit(65_519);
    }
    assertThat(b.clear()).isEqualTo(3 * 65_519);
    assertThat(b.chunks()).isEqualTo(1);
    byte[] c = b.writeChunk(100);
    int pos = b.writePosition();
    c[pos] = 42;
    b.commit(1);
    byte[] one = new byte[4];
    assertThat(b.read(one, 0, 4)).isEqualTo(1);
    assertThat(one[0]).isEqualTo((byte) 42);
  }

  /**
   * The stream path end to end, with the application not reading: a layer below that hands out
   * whole frames (as Noise does, decrypting each straight into the array it is given when the
   * frame fits) is always offered room for a whole frame, so no frame is split across chunks.
   */
  @Test
  void aLaggingApplicationStillGetsWholeFramesInPlace() throws Exception {
    int frame = 65_519;
    int frames = 12;
    byte[] data = new byte[frame * frames];
    new Random(7).nextBytes(data);
    FrameSource source = new FrameSource(data, frame);
    StubStream s = new StubStream();
    s.receive(new FrameInput(source, 1024), data.length);
    assertThat(source.splits).isZero();
    assertThat(source.reads).isEqualTo(frames);
    byte[] out = new byte[data.length];
    int n = 0;
    while (n < out.length) {
      n += s.in().read(out, n, out.length - n);
    }
    assertThat(out).isEqualTo(data);
  }

  /** Serves {@code data} in frames: a read gets the rest of the current frame, or less if asked. */
  private static final class FrameSource extends InputStream {
    private final byte[] data;
    private final int frame;
    private int pos;
    int reads;
    int splits; // reads that asked for less than the rest of a frame

    FrameSource(byte[] data, int frame) {
      this.data = data;
      this.frame = frame;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == data.length) {
        return -1;
      }
      int left = frame - pos % frame;
      if (len < left) {
        splits++;
      }
      int n = Math.min(len, left);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      reads++;
      return n;
    }
  }
}
