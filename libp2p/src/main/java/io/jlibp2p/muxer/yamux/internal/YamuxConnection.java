package io.jlibp2p.muxer.yamux.internal;

import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.ACK;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.DATA;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.GO_AWAY;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.HEADER_LENGTH;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.PING;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.RST;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.SYN;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.WINDOW_UPDATE;

import io.jlibp2p.core.ConnectionClosedException;
import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.internal.MuxSession;
import io.jlibp2p.muxer.yamux.YamuxConfig;
import io.jlibp2p.spi.MuxedStream;
import io.jlibp2p.spi.RawConnection;
import java.io.IOException;

/** A yamux session over one {@link RawConnection}. See {@link io.jlibp2p.muxer.yamux.YamuxMuxer}. */
public final class YamuxConnection extends MuxSession<YamuxStream> {
  private final YamuxConfig config;
  private final boolean client;

  // guarded by lock
  private long nextId;
  private int unacked;
  private boolean remoteGoAway;

  // reader thread only
  private YamuxStream lastStream;

  // writer and reader threads
  private volatile long rttNanos;
  private volatile long pingSentAt;
  private volatile int outstandingPing = -1;
  private int pingCounter;
  private long nextPingAt;

  private YamuxConnection(RawConnection raw, boolean client, YamuxConfig config) {
    super("yamux", raw, config.acceptBacklog(), config.maxMessageSize());
    this.config = config;
    this.client = client;
    this.nextId = client ? 1 : 2;
    this.nextPingAt = System.nanoTime(); // first ping at once: it measures the RTT
  }

  /** Creates the session and starts its threads. */
  public static YamuxConnection start(RawConnection raw, boolean client, YamuxConfig config) {
    YamuxConnection c = new YamuxConnection(raw, client, config);
    c.start();
    return c;
  }

  YamuxConfig config() {
    return config;
  }

  /** The last measured round-trip time, 0 if none yet. */
  long rttNanos() {
    return rttNanos;
  }

  @Override
  protected long key(YamuxStream s) {
    return s.id();
  }

  @Override
  public MuxedStream openStream() throws IOException {
    YamuxStream s;
    lock.lock();
    try {
      while (true) {
        awaitOutboundSlot(config.maxOutboundStreams());
        if (remoteGoAway) {
          throw new ConnectionClosedException("the remote peer sent GoAway: no new streams");
        }
        if (unacked < config.maxAckBacklog()) {
          break;
        }
        awaitChanged();
      }
      if (nextId > 0xffffffffL) {
        throw new ConnectionClosedException("yamux stream ids exhausted");
      }
      s = new YamuxStream(this, nextId, false);
      nextId += 2;
      s.awaitingAck = true;
      unacked++;
      registerOutbound(s);
    } finally {
      lock.unlock();
    }
    s.sendOpening(SYN);
    return s;
  }

  @Override
  protected void onAccepted(YamuxStream s) throws IOException {
    s.sendOpening(ACK);
  }

  @Override
  public void unregister(YamuxStream s) {
    lock.lock();
    try {
      acked(s);
    } finally {
      lock.unlock();
    }
    super.unregister(s);
    if (lastStream == s) {
      lastStream = null; // racy but only an optimisation: the reader re-checks the table
    }
  }

  private void acked(YamuxStream s) {
    if (s.awaitingAck) {
      s.awaitingAck = false;
      unacked--;
      changed.signalAll();
    }
  }

  @Override
  protected byte[] lastFrame(IOException cause) {
    int code =
        cause == null || cause instanceof ConnectionClosedException
            ? YamuxFrame.GO_AWAY_NORMAL
            : cause instanceof ProtocolViolationException
                ? YamuxFrame.GO_AWAY_PROTOCOL_ERROR
                : YamuxFrame.GO_AWAY_INTERNAL_ERROR;
    return YamuxFrame.header(GO_AWAY, 0, 0, code);
  }

  // ---- keep-alive (writer thread) ----

  @Override
  protected long timerNanos() {
    if (nextPingAt == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, nextPingAt - System.nanoTime());
  }

  @Override
  protected void onTimer() throws IOException {
    long now = System.nanoTime();
    long interval = config.keepAliveInterval().toNanos();
    if (outstandingPing >= 0 && interval > 0) {
      throw new ConnectionClosedException(
          "yamux keep-alive: ping not answered within " + config.keepAliveInterval());
    }
    int id = pingCounter++ & 0x7fffffff;
    pingSentAt = now;
    outstandingPing = id;
    sendControl(YamuxFrame.header(PING, SYN, 0, id), HEADER_LENGTH);
    nextPingAt = interval > 0 ? now + interval : Long.MAX_VALUE;
  }

  // ---- reader thread ----

  @Override
  protected void readLoop() throws IOException {
    byte[] pong = new byte[HEADER_LENGTH];
    while (input.require(HEADER_LENGTH)) {
      YamuxFrame f = YamuxFrame.decode(input.buffer(), input.position());
      input.advance(HEADER_LENGTH);
      switch (f.type()) {
        case DATA, WINDOW_UPDATE -> onStreamFrame(f.type(), f.flags(), f.streamId(), f.length());
        case PING -> {
          if ((f.flags() & SYN) != 0) {
            YamuxFrame.write(pong, 0, PING, ACK, 0, (int) f.length());
            writer.offerControl(pong, 0, HEADER_LENGTH); // dropped if the remote does not read
          } else if ((f.flags() & ACK) != 0 && f.length() == outstandingPing) {
            rttNanos = Math.max(1, System.nanoTime() - pingSentAt);
            outstandingPing = -1;
          }
        }
        case GO_AWAY -> onGoAway(f.length());
        default -> throw new ProtocolViolationException("yamux: unknown frame type " + f.type());
      }
    }
  }

  private void onGoAway(long code) throws IOException {
    if (code == YamuxFrame.GO_AWAY_NORMAL) {
      lock.lock();
      try {
        remoteGoAway = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      return;
    }
    String what = code == YamuxFrame.GO_AWAY_PROTOCOL_ERROR ? "protocol error"
        : code == YamuxFrame.GO_AWAY_INTERNAL_ERROR ? "internal error" : "code " + code;
    throw new ConnectionClosedException("the remote peer sent GoAway (" + what + ")");
  }

  private void onStreamFrame(int type, int flags, long id, long length) throws IOException {
    if (id == 0) {
      throw new ProtocolViolationException("yamux: " + (type == DATA ? "data" : "window update")
          + " frame on stream 0");
    }
    if (type == DATA && length > config.maxStreamWindow()) {
      throw new ProtocolViolationException("yamux: data frame of " + length
          + " bytes exceeds the limit of " + config.maxStreamWindow() + " (YamuxConfig.maxStreamWindow)");
    }
    YamuxStream s;
    if ((flags & SYN) != 0) {
      s = onSyn(id);
    } else {
      s = lastStream;
      if (s == null || s.id() != id) {
        s = stream(id);
        lastStream = s;
      }
    }
    if (s == null) {
      // a stream we reset or rejected, or already finished: drop what it carries
      if (type == DATA) {
        input.skip(length);
      }
      return;
    }
    if ((flags & ACK) != 0 && !s.isInbound()) {
      lock.lock();
      try {
        acked(s);
      } finally {
        lock.unlock();
      }
    }
    s.onFrame(type, flags, length, input);
  }

  private YamuxStream onSyn(long id) throws IOException {
    boolean remoteIsClient = !client;
    if ((id % 2 == 1) != remoteIsClient) {
      throw new ProtocolViolationException("yamux: remote opened stream " + id + " with our parity (expected "
          + (remoteIsClient ? "odd" : "even") + " ids)");
    }
    // SYNs may arrive out of id order (openers race to the write lock), so only an id that is
    // still open counts as reused
    if (stream(id) != null) {
      throw new ProtocolViolationException("yamux: SYN for stream " + id + ", which is already open");
    }
    YamuxStream s = new YamuxStream(this, id, true);
    if (!registerInbound(s, config.maxInboundStreams())) {
      byte[] rst = YamuxFrame.header(WINDOW_UPDATE, RST, id, 0);
      writer.offerControl(rst, 0, HEADER_LENGTH); // dropped if the remote does not read
      return null;
    }
    return s;
  }
}
