package io.jlibp2p.muxer.mplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.muxer.StreamMuxerConformanceTest;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.StreamMuxer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

class MplexConformanceTest extends StreamMuxerConformanceTest {
  static final MplexConfig SMALL =
      MplexConfig.DEFAULT.withBuffers(16 * 1024, 64 * 1024).withReceiveTimeout(Duration.ofMillis(200));

  @Override
  protected StreamMuxer muxer() {
    return new MplexMuxer();
  }

  /**
   * mplex: no flow control. Once the stream's buffer is full the reader waits the receive timeout,
   * then resets that stream (both sides see StreamResetException); the connection lives on.
   */
  @Override
  protected void assertSlowReaderBehaviour() throws Exception {
    client.close();
    server.close();
    var raw = io.jlibp2p.muxer.SocketRawConnection.pair();
    client = new MplexMuxer(SMALL).create(raw[0], true);
    server = new MplexMuxer(SMALL).create(raw[1], false);
    CompletableFuture<MuxedStream> accepted = acceptAsync();
    MuxedStream c = client.openStream();
    AtomicLong written = new AtomicLong();
    Future<?> writer = pool.submit(() -> {
      byte[] kb = new byte[1024];
      while (true) {
        c.out().write(kb);
        written.addAndGet(kb.length);
      }
    });
    MuxedStream s = accepted.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> writer.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(StreamResetException.class);
    assertThat(written.get()).isGreaterThanOrEqualTo(SMALL.maxStreamBuffer());
    assertThatThrownBy(() -> s.in().read())
        .isInstanceOf(StreamResetException.class)
        .hasMessageContaining("MplexConfig.maxStreamBuffer");
    // only that stream died
    assertThat(client.isClosed()).isFalse();
    CompletableFuture<MuxedStream> next = acceptAsync();
    MuxedStream c2 = client.openStream();
    c2.out().write(5);
    assertThat(next.get(10, TimeUnit.SECONDS).in().read()).isEqualTo(5);
  }
}
