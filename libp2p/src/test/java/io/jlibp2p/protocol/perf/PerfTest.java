package io.jlibp2p.protocol.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.Host;
import io.jlibp2p.core.Stream;
import io.jlibp2p.core.StreamResetException;
import io.jlibp2p.host.Libp2p;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PerfTest {
  /** A host on an ephemeral loopback port serving {@code /perf/1.0.0}. */
  private static Host perfServer() throws IOException {
    return Libp2p.builder().listen("/ip4/127.0.0.1/tcp/0").handler(Perf.ID, new Perf()).build();
  }

  @Test
  void uploadsAndDownloadsWhatWasAsked() throws Exception {
    try (Host server = perfServer();
        Host client = Libp2p.builder().build()) {
      // dialed without a peer id, as the perf runner does
      Connection c = client.connect(server.listenAddresses().getFirst());
      assertThat(c.remotePeer()).isEqualTo(server.peerId());
      Perf.Progress progress = new Perf.Progress();
      try (Stream s = c.newStream(Perf.ID)) {
        Perf.Result r = Perf.run(s, 3_000_000, 5_000_001, progress);
        assertThat(r.uploadBytes()).isEqualTo(3_000_000);
        assertThat(r.downloadBytes()).isEqualTo(5_000_001);
        assertThat(r.totalNanos()).isGreaterThanOrEqualTo(r.uploadNanos()).isPositive();
      }
      assertThat(progress.uploaded.get()).isEqualTo(3_000_000);
      assertThat(progress.downloaded.get()).isEqualTo(5_000_001);
    }
  }

  @Test
  void runsWithNothingToSendEitherWay() throws Exception {
    try (Host server = perfServer();
        Host client = Libp2p.builder().build()) {
      Connection c = client.connect(server.listenAddresses().getFirst());
      try (Stream s = c.newStream(Perf.ID)) {
        Perf.Result r = Perf.run(s, 0, 0, new Perf.Progress());
        assertThat(r.uploadBytes()).isZero();
        assertThat(r.downloadBytes()).isZero();
      }
    }
  }

  @Test
  void serverRefusesAnAbsurdDownloadSize() throws Exception {
    try (Host server = perfServer();
        Host client = Libp2p.builder().build()) {
      Connection c = client.connect(server.listenAddresses().getFirst());
      try (Stream s = c.newStream(Perf.ID)) {
        s.write(ByteBuffer.allocate(8).putLong(-1).array());
        // The server resets as soon as it has read the size, so the reset may already have
        // arrived when the client half-closes: either step may be the one that reports it.
        assertThatThrownBy(
                () -> {
                  s.closeWrite();
                  s.in().readAllBytes();
                })
            .isInstanceOf(StreamResetException.class);
      }
    }
  }
}
