package io.jlibp2p.muxer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The reader holds a stream's wake-up back while more input is already there, and sends it before
 * a read that would block, or at once when the stream has buffered {@link
 * DeferredSignals#IMMEDIATE_BYTES}.
 */
class DeferredSignalsTest {
  private static CompletableFuture<Integer> readerOf(StubStream s) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        f.complete(s.in().read(new byte[1024]));
      } catch (IOException e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  @Test
  void heldWhileInputIsThereAndFlushedBeforeABlockingRead() throws Exception {
    DeferredSignals d = new DeferredSignals();
    FrameInput input = new FrameInput(new ByteArrayInputStream(new byte[6]), 1024, d);
    StubStream s = new StubStream();
    CompletableFuture<Integer> read = readerOf(s);

    s.receive(input, 3); // the other 3 bytes came with it: more frames to decode, no wake-up yet
    assertThat(d.isEmpty()).isFalse();
    assertThat(input.require(3)).isTrue(); // served from the buffer: nothing would block
    assertThat(d.isEmpty()).isFalse();

    input.advance(3);
    assertThat(input.require(1)).isFalse(); // the input is drained: flushed before the read
    assertThat(d.isEmpty()).isTrue();
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void aFullBufferWakesAtOnce() throws Exception {
    DeferredSignals d = new DeferredSignals();
    int n = DeferredSignals.IMMEDIATE_BYTES;
    FrameInput input = new FrameInput(new ByteArrayInputStream(new byte[n + 100]), 1024, d);
    StubStream s = new StubStream();
    CompletableFuture<Integer> read = readerOf(s);

    s.receive(input, n);
    assertThat(d.isEmpty()).isFalse(); // held while the buffer was filling
    assertThat(read.get(10, TimeUnit.SECONDS)).isPositive(); // woken when it reached the limit
  }

  @Test
  void withoutDeferralEveryFrameWakes() throws Exception {
    FrameInput input = new FrameInput(new ByteArrayInputStream(new byte[6]), 1024);
    StubStream s = new StubStream();
    CompletableFuture<Integer> read = readerOf(s);
    s.receive(input, 3);
    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }
}
