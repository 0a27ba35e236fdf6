package io.jlibp2p.muxer.mplex.internal;

import static io.jlibp2p.muxer.mplex.internal.MplexFrame.NEW_STREAM;
import static io.jlibp2p.muxer.mplex.internal.MplexFrame.RESET_RECEIVER;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.internal.MuxSession;
import io.jlibp2p.muxer.mplex.MplexConfig;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.RawConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An mplex session over one {@link RawConnection}. Each side numbers its streams 0, 1, 2, ... (as
 * go-mplex and js-mplex do); the frame's initiator/receiver flag says whose number it is, so the
 * table key is (id, who opened it).
 */
public final class MplexConnection extends MuxSession<MplexStream> {
  private final MplexConfig config;
  private long nextId; // guarded by lock
  private MplexStream lastStream; // reader thread cache

  private MplexConnection(RawConnection raw, MplexConfig config) {
    super("mplex", raw, config.acceptBacklog(), config.maxMessageSize());
    this.config = config;
  }

  /** Creates the session and starts its threads. */
  public static MplexConnection start(RawConnection raw, boolean initiator, MplexConfig config) {
    MplexConnection c = new MplexConnection(raw, config);
    c.start();
    return c;
  }

  MplexConfig config() {
    return config;
  }

  private static long key(long id, boolean openedByUs) {
    return id << 1 | (openedByUs ? 1 : 0);
  }

  @Override
  protected long key(MplexStream s) {
    return key(s.id(), !s.isInbound());
  }

  @Override
  public MuxedStream openStream() throws IOException {
    MplexStream s;
    lock.lock();
    try {
      awaitOutboundSlot(config.maxOutboundStreams());
      if (nextId > MplexFrame.MAX_STREAM_ID) {
        throw new ConnectionClosedException("mplex stream ids exhausted");
      }
      s = new MplexStream(this, nextId++, false);
      registerOutbound(s);
    } finally {
      lock.unlock();
    }
    byte[] name = Long.toString(s.id()).getBytes(StandardCharsets.US_ASCII);
    byte[] h = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int n = MplexFrame.write(h, 0, s.id(), NEW_STREAM, name.length);
    writeFrame(h, n, name, 0, name.length);
    return s;
  }

  @Override
  protected void readLoop() throws IOException {
    MplexFrame f;
    while ((f = MplexFrame.read(input, config.maxMessageSize())) != null) {
      long id = f.streamId();
      int flag = f.flag();
      if (flag == NEW_STREAM) {
        onNewStream(id);
        input.skip(f.length()); // the stream name: informational only
        continue;
      }
      // odd flags come from the stream's receiver, i.e. the stream is ours
      boolean ours = (flag & 1) == 1;
      MplexStream s = lastStream;
      if (s == null || s.id() != id || s.isInbound() == ours) {
        s = stream(key(id, ours));
        lastStream = s;
      }
      switch (flag) {
        case MplexFrame.MESSAGE_RECEIVER, MplexFrame.MESSAGE_INITIATOR -> {
          if (s == null) {
            input.skip(f.length()); // reset or finished stream
          } else {
            s.onMessage(input, f.length());
          }
        }
        case MplexFrame.CLOSE_RECEIVER, MplexFrame.CLOSE_INITIATOR -> {
          input.skip(f.length());
          if (s != null) {
            s.remoteClosedByFrame();
          }
        }
        default -> { // reset
          input.skip(f.length());
          if (s != null) {
            s.remoteResetByFrame();
          }
        }
      }
    }
  }

  private void onNewStream(long id) throws IOException {
    if (stream(key(id, false)) != null) {
      throw new ProtocolViolationException("mplex: NewStream for stream " + id + ", which is already open");
    }
    lastStream = null;
    MplexStream s = new MplexStream(this, id, true);
    if (!registerInbound(s, config.maxInboundStreams())) {
      byte[] h = new byte[MplexFrame.MAX_HEADER_LENGTH];
      int n = MplexFrame.write(h, 0, id, RESET_RECEIVER, 0);
      writer.offerControl(h, 0, n); // dropped if the remote does not read
    }
  }
}
