package io.jlibp2p.muxer.yamux.internal;

import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.ACK;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.DATA;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.FIN;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.HEADER_LENGTH;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.RST;
import static io.jlibp2p.muxer.yamux.internal.YamuxFrame.WINDOW_UPDATE;

import io.jlibp2p.core.ProtocolViolationException;
import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.internal.MuxStream;
import io.jlibp2p.muxer.yamux.YamuxConfig;
import java.io.IOException;

/** A yamux stream: {@link MuxStream} plus yamux flow control. */
final class YamuxStream extends MuxStream {
  /** Auto-tuning doubles the window when it was used up within this many RTTs (as go-yamux). */
  static final int AUTOTUNE_RTTS = 4;

  private final YamuxConnection conn;
  private final byte[] dataHeader = new byte[HEADER_LENGTH]; // used by the one writing thread
  private final byte[] controlHeader = new byte[HEADER_LENGTH];

  // guarded by lock
  private long sendWindow = YamuxConfig.SPEC_INITIAL_WINDOW;
  private long recvWindow; // target window
  private long recvCredit = YamuxConfig.SPEC_INITIAL_WINDOW; // bytes the remote may still send
  private long epochStart = System.nanoTime();

  // guarded by the connection's lock
  boolean awaitingAck;

  YamuxStream(YamuxConnection conn, long id, boolean inbound) {
    super(id, inbound);
    this.conn = conn;
    this.recvWindow = conn.config().initialStreamWindow();
  }

  /** Sends the frame that opens (SYN) or acknowledges (ACK) the stream, announcing our window. */
  void sendOpening(int flag) throws IOException {
    long delta;
    lock.lock();
    try {
      delta = recvWindow - YamuxConfig.SPEC_INITIAL_WINDOW;
      recvCredit += delta;
      epochStart = System.nanoTime();
    } finally {
      lock.unlock();
    }
    byte[] h = YamuxFrame.header(WINDOW_UPDATE, flag, id(), delta);
    conn.writeFrame(h, HEADER_LENGTH, h, 0, 0);
  }

  @Override
  protected int sendCredit(int len) {
    int n = (int) Math.min(Math.min(len, sendWindow), conn.sendFrameSize());
    sendWindow -= n;
    return n;
  }

  @Override
  protected int consumed(int n) {
    // as go-yamux: return credit once at least half the window can be granted again
    long pending = recvWindow - recvCredit - buffer.size();
    if (pending < recvWindow / 2) {
      return 0;
    }
    long now = System.nanoTime();
    long rtt = conn.rttNanos();
    if (rtt > 0 && now - epochStart < AUTOTUNE_RTTS * rtt && recvWindow < conn.config().maxStreamWindow()) {
      recvWindow = Math.min(recvWindow * 2, conn.config().maxStreamWindow());
      pending = recvWindow - recvCredit - buffer.size();
    }
    epochStart = now;
    recvCredit += pending;
    return (int) pending;
  }

  @Override
  protected void sendCreditUpdate(int delta) {
    byte[] h = new byte[HEADER_LENGTH];
    YamuxFrame.write(h, 0, WINDOW_UPDATE, 0, (int) id(), delta);
    conn.sendControl(h, HEADER_LENGTH);
  }

  @Override
  protected void sendData(byte[] b, int off, int len, boolean flush) throws IOException {
    YamuxFrame.write(dataHeader, 0, DATA, 0, (int) id(), len);
    conn.writeFrame(dataHeader, HEADER_LENGTH, b, off, len, flush);
  }

  @Override
  protected void flushData() throws IOException {
    conn.flush();
  }

  @Override
  protected void sendClose() throws IOException {
    YamuxFrame.write(controlHeader, 0, WINDOW_UPDATE, FIN, (int) id(), 0);
    conn.writeFrame(controlHeader, HEADER_LENGTH, controlHeader, 0, 0);
  }

  @Override
  protected void sendReset() {
    conn.sendControl(YamuxFrame.header(WINDOW_UPDATE, RST, id(), 0), HEADER_LENGTH);
  }

  @Override
  protected void unregister() {
    conn.unregister(this);
  }

  // ---- reader thread ----

  void onFrame(int type, int flags, long length, FrameInput input) throws IOException {
    if (type == WINDOW_UPDATE) {
      if (length > 0) {
        lock.lock();
        try {
          sendWindow += length;
          if (sendWindow > 0xffffffffL) {
            throw new ProtocolViolationException(
                "yamux stream " + id() + ": window update overflows the send window (" + sendWindow + " bytes)");
          }
          writable.signal();
        } finally {
          lock.unlock();
        }
      }
    } else if (length > 0) {
      lock.lock();
      try {
        if (length > recvCredit) {
          throw new ProtocolViolationException(
              "yamux stream " + id() + ": data frame of " + length
                  + " bytes exceeds the receive window (" + recvCredit + " bytes left)");
        }
        recvCredit -= length;
      } finally {
        lock.unlock();
      }
      receive(input, (int) length);
    }
    if ((flags & FIN) != 0) {
      remoteClosed();
    }
    if ((flags & RST) != 0) {
      remoteReset();
    }
  }
}
