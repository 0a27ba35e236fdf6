package io.jlibp2p.muxer.internal;

/** A stream with no flow control and nothing to send: only its receive side is exercised. */
final class StubStream extends MuxStream {
  StubStream() {
    super(1, true);
  }

  StubStream(boolean inbound, boolean spinForReplies) {
    super(1, inbound, spinForReplies);
  }

  @Override
  protected int sendCredit(int len) {
    return len;
  }

  @Override
  protected int consumed(int n) {
    return 0;
  }

  @Override
  protected void sendCreditUpdate(int delta) {}

  @Override
  protected void sendData(byte[] b, int off, int len, boolean flush) {}

  @Override
  protected void flushData() {}

  @Override
  protected void sendClose() {}

  @Override
  protected void sendReset() {}

  @Override
  protected void unregister() {}
}
