package io.jlibp2p.muxer;

import static io.jlibp2p.muxer.MuxTestSupport.drain;
import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.StreamMuxer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour every {@link StreamMuxer} must show, over real loopback TCP. Subclasses supply the
 * muxer and assert their own answer to a slow reader (flow control or reset).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StreamMuxerConformanceTest {
  protected static final Duration WAIT = Duration.ofSeconds(10);

  protected MuxedConnection client;
  protected MuxedConnection server;
  protected final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

  /** The muxer under test. */
  protected abstract StreamMuxer muxer();

  /**
   * A fast writer meets a reader that does not read: assert the muxer's documented behaviour.
   * The connections are fresh; the writer is {@code client}.
   */
  protected abstract void assertSlowReaderBehaviour() throws Exception;

  @BeforeEach
  void connect() throws IOException {
    SocketRawConnection[] raw = SocketRawConnection.pair();
    client = muxer().create(raw[0], true);
    server = muxer().create(raw[1], false);
  }

  @AfterEach
  void closeAll() {
    client.close();
    server.close();
    pool.shutdownNow();
  }

  /** Echoes every accepted stream on {@code server} until it closes. */
  protected void echoServer() {
    pool.submit(() -> {
      while (true) {
        MuxedStream s = server.acceptStream();
        pool.submit(() -> {
          try (s) {
            s.in().transferTo(s.out());
          }
          return null;
        });
      }
    });
  }

  @Test
  void openAcceptEcho() throws Exception {
    echoServer();
    try (MuxedStream s = client.openStream()) {
      s.out().write("hello yamux and mplex".getBytes(StandardCharsets.UTF_8));
      s.closeWrite();
      assertThat(new String(s.in().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("hello yamux and mplex");
    }
    assertThat(client.isClosed()).isFalse();
  }

  @Test
  void manyConcurrentStreams() throws Exception {
    echoServer();
    int streams = 200;
    List<Future<byte[][]>> results = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      int seed = i;
      results.add(pool.submit(() -> {
        byte[] data = new byte[1000 + seed * 97];
        new Random(seed).nextBytes(data);
        try (MuxedStream s = client.openStream()) {
          Future<byte[]> echoed = pool.submit(() -> s.in().readAllBytes());
          for (int off = 0; off < data.length; off += 1000) {
            s.out().write(data, off, Math.min(1000, data.length - off));
          }
          s.closeWrite();
          return new byte[][] {data, echoed.get(30, TimeUnit.SECONDS)};
        }
      }));
    }
    for (Future<byte[][]> f : results) {
      byte[][] r = f.get(60, TimeUnit.SECONDS);
      assertThat(r[1]).isEqualTo(r[0]);
    }
  }

  @Test
  void halfCloseClientFirst() throws Exception {
    CompletableFuture<MuxedStream> accepted = acceptAsync();
    MuxedStream c = client.openStream();
    c.out().write(new byte[] {1, 2, 3});
    c.closeWrite();
    MuxedStream s = accepted.get(10, TimeUnit.SECONDS);
    assertThat(s.in().readAllBytes()).containsExactly(1, 2, 3);
    // the other direction still works
    s.out().write(new byte[] {4, 5});
    s.closeWrite();
    assertThat(c.in().readAllBytes()).containsExactly(4, 5);
    assertThatThrownBy(() -> c.out().write(1)).isInstanceOf(IOException.class);
    c.close();
    s.close();
  }

  @Test
  void halfCloseServerFirst() throws Exception {
    MuxedStream[] pair = openedPair();
    MuxedStream c = pair[0];
    MuxedStream s = pair[1];
    s.out().write(new byte[] {8, 9});
    s.closeWrite();
    assertThat(c.in().readAllBytes()).containsExactly(8, 9);
    c.out().write(new byte[] {10, 11});
    c.closeWrite();
    assertThat(s.in().readAllBytes()).containsExactly(10, 11);
    c.close();
    s.close();
  }

  @Test
  void resetIsSeenAsStreamResetException() throws Exception {
    MuxedStream[] pair = openedPair();
    MuxedStream c = pair[0];
    MuxedStream s = pair[1];
    Future<Integer> blockedRead = pool.submit(() -> s.in().read());
    c.reset();
    assertThatThrownBy(() -> blockedRead.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StreamResetException.class);
    assertThatThrownBy(() -> c.in().read()).isInstanceOf(StreamResetException.class);
    assertThatThrownBy(() -> c.out().write(1)).isInstanceOf(StreamResetException.class);
    assertThat(eventually(WAIT, () -> {
      try {
        s.out().write(new byte[100]);
        return false;
      } catch (StreamResetException e) {
        return true;
      } catch (IOException e) {
        return false;
      }
    })).isTrue();
    c.reset(); // idempotent
  }

  @Test
  void resetByAcceptorIsSeenByOpener() throws Exception {
    MuxedStream[] pair = openedPair();
    MuxedStream c = pair[0];
    MuxedStream s = pair[1];
    Future<Integer> blockedRead = pool.submit(() -> c.in().read());
    s.reset();
    assertThatThrownBy(() -> blockedRead.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StreamResetException.class);
  }

  @Test
  void closingTheConnectionWakesEverything() throws Exception {
    MuxedStream[] pair = openedPair();
    MuxedStream c = pair[0];
    MuxedStream s = pair[1];
    Future<?> serverAccept = pool.submit(() -> server.acceptStream());
    Future<?> serverRead = pool.submit(() -> s.in().read());
    Future<?> clientRead = pool.submit(() -> c.in().read());
    Future<?> clientAccept = pool.submit(() -> client.acceptStream());
    client.close();
    for (Future<?> f : List.of(serverAccept, serverRead, clientRead, clientAccept)) {
      assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }
    assertThat(client.isClosed()).isTrue();
    assertThat(eventually(WAIT, server::isClosed)).isTrue();
    assertThatThrownBy(client::openStream).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> c.out().write(1)).isInstanceOf(IOException.class);
    client.close(); // idempotent
  }

  @Test
  void slowReaderMakesFastWriterWait() throws Exception {
    assertSlowReaderBehaviour();
  }

  @Test
  void oneGibThroughOneStreamWithBoundedHeap() throws Exception {
    long total = 1L << 30;
    long baseline = MuxTestSupport.usedHeapAfterGc();
    AtomicLong received = new AtomicLong();
    CompletableFuture<MuxedStream> accepted = acceptAsync();
    MuxedStream c = client.openStream();
    Future<Long> reader = pool.submit(() -> {
      MuxedStream s = accepted.get(10, TimeUnit.SECONDS);
      byte[] buf = new byte[256 * 1024];
      long n = 0;
      int r;
      while ((r = s.in().read(buf)) >= 0) {
        n += r;
        received.set(n);
      }
      s.close();
      return n;
    });
    long maxHeap = 0;
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 42);
    long start = System.nanoTime();
    long nextSample = total / 4;
    long paused = 0;
    for (long sent = 0; sent < total; sent += chunk.length) {
      c.out().write(chunk);
      if (sent >= nextSample) {
        long t0 = System.nanoTime();
        maxHeap = Math.max(maxHeap, MuxTestSupport.usedHeapAfterGc() - baseline);
        paused += System.nanoTime() - t0;
        nextSample += total / 4;
      }
    }
    c.closeWrite();
    assertThat(reader.get(60, TimeUnit.SECONDS)).isEqualTo(total);
    double seconds = (System.nanoTime() - start - paused) / 1e9;
    System.out.printf("%s: 1 GiB through one stream in %.2f s = %.0f MiB/s; heap above baseline <= %d MiB%n",
        muxer().protocolId(), seconds, 1024 / seconds, maxHeap >> 20);
    assertThat(maxHeap).as("heap growth during the transfer").isLessThan(64L << 20);
    c.close();
  }

  @Test
  void threadsReturnToBaselineAfterClose() throws Exception {
    client.close();
    server.close();
    assertThat(eventually(WAIT, () -> MuxTestSupport.muxerThreads() == 0)).isTrue();
    SocketRawConnection[] raw = SocketRawConnection.pair();
    client = muxer().create(raw[0], true);
    server = muxer().create(raw[1], false);
    echoServer();
    assertThat(MuxTestSupport.muxerThreads()).isEqualTo(4); // a reader and a writer per side
    for (int i = 0; i < 10; i++) {
      try (MuxedStream s = client.openStream()) {
        s.out().write(new byte[10_000]);
        s.closeWrite();
        assertThat(drain(s.in())).isEqualTo(10_000);
      }
    }
    client.close();
    assertThat(eventually(WAIT, server::isClosed)).isTrue();
    assertThat(eventually(WAIT, () -> MuxTestSupport.muxerThreads() == 0)).isTrue();
  }

  /**
   * Closing ends the raw connection's output after the muxer's last frame, on both sides, so that a
   * secure channel below ends it its own way (TLS sends close_notify) instead of being cut off.
   */
  @Test
  void closeEndsTheRawOutputs() throws Exception {
    client.close();
    server.close();
    SocketRawConnection[] raw = SocketRawConnection.pair();
    client = muxer().create(raw[0], true);
    server = muxer().create(raw[1], false);
    echoServer();
    try (MuxedStream s = client.openStream()) {
      s.out().write(new byte[100]);
      s.closeWrite();
      assertThat(drain(s.in())).isEqualTo(100);
    }
    assertThat(raw[0].outputClosed()).isFalse();
    client.close();
    assertThat(eventually(WAIT, raw[0]::outputClosed)).isTrue();
    assertThat(eventually(WAIT, raw[1]::outputClosed)).isTrue(); // the server saw the end
    assertThat(eventually(WAIT, server::isClosed)).isTrue();
  }

  /** A stream opened by the client, accepted by the server, one byte ({@code 7}) sent and read. */
  protected MuxedStream[] openedPair() throws Exception {
    CompletableFuture<MuxedStream> accepted = acceptAsync();
    MuxedStream c = client.openStream();
    c.out().write(7);
    MuxedStream s = accepted.get(10, TimeUnit.SECONDS);
    assertThat(s.in().read()).isEqualTo(7);
    return new MuxedStream[] {c, s};
  }

  protected CompletableFuture<MuxedStream> acceptAsync() {
    CompletableFuture<MuxedStream> f = new CompletableFuture<>();
    pool.submit(() -> {
      try {
        f.complete(server.acceptStream());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    return f;
  }
}
