package io.jlibp2p.muxer.yamux;

import static io.jlibp2p.muxer.MuxTestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlibp2p.muxer.MuxTestSupport;
import io.jlibp2p.muxer.StreamMuxerConformanceTest;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.StreamMuxer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

class YamuxConformanceTest extends StreamMuxerConformanceTest {
  @Override
  protected StreamMuxer muxer() {
    return new YamuxMuxer();
  }

  /** Yamux: the writer blocks once the 256 KiB window is used, and resumes as the reader reads. */
  @Override
  protected void assertSlowReaderBehaviour() throws Exception {
    int total = 1 << 20;
    CompletableFuture<MuxedStream> accepted = acceptAsync();
    MuxedStream c = client.openStream();
    AtomicLong written = new AtomicLong();
    Future<?> writer = pool.submit(() -> {
      byte[] kb = new byte[1024];
      for (int i = 0; i < total / 1024; i++) {
        c.out().write(kb);
        written.addAndGet(kb.length);
      }
      c.closeWrite();
      return null;
    });
    MuxedStream s = accepted.get(10, TimeUnit.SECONDS);
    assertThat(eventually(WAIT, () -> written.get() == YamuxConfig.SPEC_INITIAL_WINDOW)).isTrue();
    // stays blocked: nothing is read, so no credit comes back
    assertThat(eventually(Duration.ofMillis(300), () -> written.get() > YamuxConfig.SPEC_INITIAL_WINDOW))
        .isFalse();
    assertThat(writer.isDone()).isFalse();
    assertThat(MuxTestSupport.drain(s.in())).isEqualTo(total);
    writer.get(10, TimeUnit.SECONDS);
  }
}
