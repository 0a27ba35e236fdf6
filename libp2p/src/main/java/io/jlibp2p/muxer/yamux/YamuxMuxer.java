package io.jlibp2p.muxer.yamux;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.muxer.yamux.internal.YamuxConnection;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.StreamMuxer;
import java.util.Objects;

/**
 * Yamux ({@code /yamux/1.0.0}, specs {@code yamux/README.md}) with go-yamux's flow control:
 * per-stream windows starting at 256 KiB, credit returned as the application reads, auto-tuned up
 * to {@link YamuxConfig#maxStreamWindow()}. Thread-safe; holds only configuration.
 *
 * <p>Per connection: a reader virtual thread decodes frames; a writer virtual thread sends control
 * frames (ping replies, window updates, resets) queued by threads that must not block, and the
 * keep-alive pings; application threads write their data frames directly through one write lock
 * with group-commit flushing. A remote that breaks the protocol (bad version, unknown type, data
 * beyond the window, a reused or wrongly numbered stream id, an oversized frame) gets a GoAway with
 * the protocol-error code and the connection is closed; blocked callers see a {@link
 * io.jlibp2p.core.ConnectionClosedException} whose cause is the {@link
 * io.jlibp2p.core.ProtocolViolationException}.
 *
 * {@snippet :
 * MuxedConnection conn = new YamuxMuxer().create(secureConnection, true);
 * try (MuxedStream s = conn.openStream()) {
 *   s.out().write(request);
 *   s.closeWrite();
 *   byte[] response = s.in().readAllBytes();
 * }
 * }
 */
public final class YamuxMuxer implements StreamMuxer {
  public static final ProtocolId PROTOCOL_ID = ProtocolId.of("/yamux/1.0.0");

  private final YamuxConfig config;

  public YamuxMuxer(YamuxConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public YamuxMuxer() {
    this(YamuxConfig.DEFAULT);
  }

  public YamuxConfig config() {
    return config;
  }

  @Override
  public ProtocolId protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public MuxedConnection create(RawConnection connection, boolean initiator) {
    return YamuxConnection.start(connection, initiator, config);
  }
}
