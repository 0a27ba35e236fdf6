package io.jlibp2p.muxer.internal;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.StreamResetException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A read of {@link MuxStream#DIRECT_READ_MIN} bytes or more that waits on an empty stream offers
 * its array: the reader thread puts bytes that have arrived straight into it, in order with the
 * buffered ones, never past what the read returns, and never while it might block.
 */
class DirectReadTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final byte UNTOUCHED = 0x55;

  /**
   * A read into {@code b} on a virtual thread; {@code interruptedAfter} is its interrupt status
   * once the read returned.
   */
  private record Read(
      Thread thread, CompletableFuture<Integer> result, CompletableFuture<Boolean> interruptedAfter) {}

  private static Read startRead(StubStream s, byte[] b) {
    CompletableFuture<Integer> result = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    result.complete(s.in().read(b, 0, b.length));
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                  } catch (Throwable e) {
                    result.completeExceptionally(e);
                  }
                });
    return new Read(t, result, interruptedAfter);
  }

  /** {@link #startRead}, once the read offers its array. */
  private static Read waitingRead(StubStream s, byte[] b) {
    Read read = startRead(s, b);
    assertThat(eventually(DEADLINE, s::directReadWaiting)).isTrue();
    return read;
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private static byte[] untouched(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, UNTOUCHED);
    return b;
  }

  @Test
  void bytesThatArrivedGoIntoTheWaitingArrayAndNothingPastThem() throws Exception {
    byte[] data = pattern(3000);
    byte[] withNextFrame = Arrays.copyOf(data, data.length + 500); // the next frame came with it
    DeferredSignals d = new DeferredSignals();
    FrameInput input = new FrameInput(new ByteArrayInputStream(withNextFrame), 1024, d);
    StubStream s = new StubStream();
    byte[] b = untouched(8192);
    Read read = waitingRead(s, b);

    s.receive(input, data.length);
    // the wake-up is held, yet the bytes are already in the application's array
    assertThat(d.isEmpty()).isFalse();
    assertThat(Arrays.copyOf(b, data.length)).isEqualTo(data);
    assertThat(s.in().available()).isZero();

    d.flush();
    assertThat(read.result().get(10, TimeUnit.SECONDS)).isEqualTo(data.length);
    assertThat(Arrays.copyOfRange(b, data.length, b.length)).isEqualTo(untouched(b.length - data.length));
    assertThat(input.readableNow()).isEqualTo(500);
  }

  @Test
  void whatDoesNotFitIsBufferedAndReadAfterIt() throws Exception {
    byte[] data = pattern(MuxStream.DIRECT_READ_MIN + 100);
    FrameInput input = new FrameInput(new ByteArrayInputStream(data), 1024);
    StubStream s = new StubStream();
    byte[] b = new byte[MuxStream.DIRECT_READ_MIN];
    Read read = waitingRead(s, b);

    s.receive(input, data.length);
    assertThat(read.result().get(10, TimeUnit.SECONDS)).isEqualTo(b.length);
    assertThat(b).isEqualTo(Arrays.copyOf(data, b.length));
    assertThat(s.in().available()).isEqualTo(100);
    byte[] rest = new byte[200];
    assertThat(s.in().read(rest)).isEqualTo(100);
    assertThat(Arrays.copyOf(rest, 100)).isEqualTo(Arrays.copyOfRange(data, b.length, data.length));
  }

  @Test
  void bytesNotYetArrivedAreReadWithoutTheArrayOrTheLock() throws Exception {
    // the payload's bytes are announced but not there: the reader thread blocks in its read, and
    // the application's read must still be interruptible (the stream lock is not held)
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean readCalled = new AtomicBoolean();
    InputStream slow =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            readCalled.set(true);
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new InterruptedIOException();
            }
            Arrays.fill(b, off, off + len, (byte) 1);
            return len;
          }

          @Override
          public int available() {
            return 0;
          }
        };
    FrameInput input = new FrameInput(slow, 1024);
    StubStream s = new StubStream();
    byte[] b = untouched(8192);
    Read read = waitingRead(s, b);
    CompletableFuture<Void> receiving =
        CompletableFuture.runAsync(
            () -> {
              try {
                s.receive(input, 5000);
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    assertThat(eventually(DEADLINE, readCalled::get)).isTrue();

    read.thread().interrupt();
    assertThatThrownBy(() -> read.result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedIOException.class);
    assertThat(b).isEqualTo(untouched(8192));

    release.countDown();
    receiving.get(10, TimeUnit.SECONDS);
    assertThat(s.in().available()).isEqualTo(5000);
  }

  @Test
  void anInterruptAfterBytesWereDeliveredReturnsThem() throws Exception {
    byte[] data = pattern(2000);
    DeferredSignals d = new DeferredSignals(); // never flushed: only the interrupt wakes the read
    FrameInput input = new FrameInput(new ByteArrayInputStream(data), 1024, d);
    StubStream s = new StubStream();
    byte[] b = new byte[8192];
    Read read = waitingRead(s, b);

    s.receive(input, data.length);
    read.thread().interrupt();
    assertThat(read.result().get(10, TimeUnit.SECONDS)).isEqualTo(data.length);
    assertThat(Arrays.copyOf(b, data.length)).isEqualTo(data);
    assertThat(read.interruptedAfter().get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aResetDropsDeliveredBytesAsItDropsBufferedOnes() throws Exception {
    DeferredSignals d = new DeferredSignals();
    FrameInput input = new FrameInput(new ByteArrayInputStream(pattern(2000)), 1024, d);
    StubStream s = new StubStream();
    Read read = waitingRead(s, new byte[8192]);

    s.receive(input, 2000);
    s.remoteReset();
    assertThatThrownBy(() -> read.result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StreamResetException.class);
  }

  @Test
  void aSecondConcurrentReadWaitsWithoutItsArrayAndLosesNothing() throws Exception {
    // two reading threads are outside the stream's contract, but must not corrupt or lose bytes
    byte[] data = pattern(150);
    FrameInput input = new FrameInput(new ByteArrayInputStream(data), 1024);
    StubStream s = new StubStream();
    byte[] first = new byte[8192];
    byte[] second = new byte[8192];
    Read a = waitingRead(s, first);
    Read b = startRead(s, second);
    assertThat(eventually(DEADLINE, () -> b.thread().getState() == Thread.State.WAITING)).isTrue();

    s.receive(input, 100);
    assertThat(a.result().get(10, TimeUnit.SECONDS)).isEqualTo(100);
    assertThat(Arrays.copyOf(first, 100)).isEqualTo(Arrays.copyOf(data, 100));

    s.receive(input, 50);
    assertThat(b.result().get(10, TimeUnit.SECONDS)).isEqualTo(50);
    assertThat(Arrays.copyOf(second, 50)).isEqualTo(Arrays.copyOfRange(data, 100, 150));
  }

  @Test
  void shortReadsTakeTheirBytesFromTheBuffer() throws Exception {
    DeferredSignals d = new DeferredSignals();
    FrameInput input = new FrameInput(new ByteArrayInputStream(pattern(100)), 1024, d);
    StubStream s = new StubStream();
    byte[] b = untouched(MuxStream.DIRECT_READ_MIN - 1);
    Read read = startRead(s, b);
    assertThat(eventually(DEADLINE, () -> read.thread().getState() == Thread.State.WAITING)).isTrue();
    assertThat(s.directReadWaiting()).isFalse();

    s.receive(input, 100);
    assertThat(s.in().available()).isEqualTo(100);
    assertThat(b).isEqualTo(untouched(b.length));
    d.flush();
    assertThat(read.result().get(10, TimeUnit.SECONDS)).isEqualTo(100);
  }
}
