package io.jlibp2p.muxer.mplex.internal;

import static io.jlibp2p.muxer.mplex.internal.MplexFrame.CLOSE_INITIATOR;
import static io.jlibp2p.muxer.mplex.internal.MplexFrame.CLOSE_RECEIVER;
import static io.jlibp2p.muxer.mplex.internal.MplexFrame.MESSAGE_INITIATOR;
import static io.jlibp2p.muxer.mplex.internal.MplexFrame.MESSAGE_RECEIVER;
import static io.jlibp2p.muxer.mplex.internal.MplexFrame.RESET_INITIATOR;
import static io.jlibp2p.muxer.mplex.internal.MplexFrame.RESET_RECEIVER;

import io.jlibp2p.muxer.internal.FrameInput;
import io.jlibp2p.muxer.internal.MuxStream;
import io.jlibp2p.muxer.mplex.MplexConfig;
import java.io.IOException;

/** An mplex stream: {@link MuxStream} with frames of at most {@link MplexConfig#maxMessageSize}. */
final class MplexStream extends MuxStream {
  private final MplexConnection conn;
  private final MplexConfig config;
  private final byte[] dataHeader = new byte[MplexFrame.MAX_HEADER_LENGTH]; // one writing thread

  MplexStream(MplexConnection conn, long id, boolean inbound) {
    super(id, inbound);
    this.conn = conn;
    this.config = conn.config();
  }

  private int flag(int receiverFlag, int initiatorFlag) {
    return isInbound() ? receiverFlag : initiatorFlag;
  }

  @Override
  protected int sendCredit(int len) {
    return Math.min(len, conn.sendFrameSize());
  }

  @Override
  protected int consumed(int n) {
    return 0; // no flow control
  }

  @Override
  protected void sendCreditUpdate(int delta) {}

  @Override
  protected void sendData(byte[] b, int off, int len, boolean flush) throws IOException {
    int h = MplexFrame.write(dataHeader, 0, id(), flag(MESSAGE_RECEIVER, MESSAGE_INITIATOR), len);
    conn.writeFrame(dataHeader, h, b, off, len, flush);
  }

  @Override
  protected void flushData() throws IOException {
    conn.flush();
  }

  @Override
  protected void sendClose() throws IOException {
    byte[] f = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int h = MplexFrame.write(f, 0, id(), flag(CLOSE_RECEIVER, CLOSE_INITIATOR), 0);
    conn.writeFrame(f, h, f, 0, 0);
  }

  @Override
  protected void sendReset() {
    byte[] f = new byte[MplexFrame.MAX_HEADER_LENGTH];
    int h = MplexFrame.write(f, 0, id(), flag(RESET_RECEIVER, RESET_INITIATOR), 0);
    conn.sendControl(f, h);
  }

  @Override
  protected void unregister() {
    conn.unregister(this);
  }

  void remoteClosedByFrame() {
    remoteClosed();
  }

  void remoteResetByFrame() {
    remoteReset();
  }

  /**
   * Reader thread: a message for this stream. Waits up to the receive timeout for buffer space;
   * then resets the stream and drops the message.
   */
  void onMessage(FrameInput input, int len) throws IOException {
    boolean overflow = false;
    boolean flushed = false;
    lock.lock();
    try {
      long nanos = config.receiveTimeout().toNanos();
      while (!discarding() && buffer.size() + len > config.maxStreamBuffer()) {
        if (!flushed) {
          // the application must be awake to make room: send the wake-ups the reader held back
          // (without this stream's lock, as they take other streams' locks)
          flushed = true;
          lock.unlock();
          try {
            input.flushDeferred();
          } finally {
            lock.lock();
          }
          continue;
        }
        if (nanos <= 0) {
          overflow = true;
          break;
        }
        try {
          nanos = drained.awaitNanos(nanos);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("mplex reader interrupted");
        }
      }
    } finally {
      lock.unlock();
    }
    if (overflow) {
      resetLocally("receive buffer overflow: the application did not read "
          + config.maxStreamBuffer() + " buffered bytes within " + config.receiveTimeout()
          + " (MplexConfig.maxStreamBuffer, receiveTimeout)");
      input.skip(len);
      return;
    }
    receive(input, len);
  }
}
