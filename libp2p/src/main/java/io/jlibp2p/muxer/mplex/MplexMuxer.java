package io.jlibp2p.muxer.mplex;

import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.muxer.mplex.internal.MplexConnection;
import io.jlibp2p.spi.MuxedConnection;
import io.jlibp2p.spi.RawConnection;
import io.jlibp2p.spi.StreamMuxer;
import java.util.Objects;

/**
 * mplex ({@code /mplex/6.7.0}, specs {@code mplex/README.md}): frames of a varint header {@code
 * id << 3 | flag}, a varint length and the payload. No flow control: see {@link MplexConfig} for
 * what happens to a stream whose reader falls behind. Thread-safe; holds only configuration.
 *
 * <p>Threads and write path as {@link io.jlibp2p.muxer.yamux.YamuxMuxer}'s: one reader and one
 * writer virtual thread per connection, application threads write their own data frames.
 * Oversized frames, an unknown flag or a NewStream for an open id close the connection; blocked
 * callers see a {@link io.jlibp2p.core.ConnectionClosedException} whose cause is the {@link
 * io.jlibp2p.core.ProtocolViolationException}.
 *
 * {@snippet :
 * MuxedConnection conn = new MplexMuxer().create(secureConnection, true);
 * try (MuxedStream s = conn.openStream()) {
 *   s.out().write(request);
 * }
 * }
 */
public final class MplexMuxer implements StreamMuxer {
  public static final ProtocolId PROTOCOL_ID = ProtocolId.of("/mplex/6.7.0");

  private final MplexConfig config;

  public MplexMuxer(MplexConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public MplexMuxer() {
    this(MplexConfig.DEFAULT);
  }

  public MplexConfig config() {
    return config;
  }

  @Override
  public ProtocolId protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public MuxedConnection create(RawConnection connection, boolean initiator) {
    return MplexConnection.start(connection, initiator, config);
  }
}
