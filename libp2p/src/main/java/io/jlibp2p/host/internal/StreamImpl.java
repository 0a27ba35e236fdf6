package io.jlibp2p.host.internal;

import io.jlibp2p.core.Connection;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import io.jlibp2p.spi.MuxedStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A negotiated stream: the muxer's stream plus its protocol and connection. */
final class StreamImpl implements Stream {
  private final MuxedStream muxed;
  private final ProtocolId protocol;
  private final ConnectionImpl connection;
  private final InputStream in;

  StreamImpl(MuxedStream muxed, ProtocolId protocol, ConnectionImpl connection, InputStream in) {
    this.muxed = muxed;
    this.protocol = protocol;
    this.connection = connection;
    this.in = in;
  }

  @Override
  public ProtocolId protocol() {
    return protocol;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return muxed.out();
  }

  @Override
  public void closeWrite() throws IOException {
    muxed.out().flush();
    muxed.closeWrite();
  }

  @Override
  public void reset() {
    muxed.reset();
  }

  @Override
  public void close() throws IOException {
    try {
      muxed.out().flush();
    } finally {
      muxed.close();
    }
  }

  @Override
  public String toString() {
    return "stream " + muxed.id() + " " + protocol + " to " + connection.remotePeer();
  }
}
