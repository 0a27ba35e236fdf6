package io.jlibp2p.protocol.echo;

import io.jlibp2p.core.ProtocolHandler;
import io.jlibp2p.core.ProtocolId;
import io.jlibp2p.core.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@code /echo/1.0.0}: copies every byte of a stream back to its sender until end of stream, then
 * closes. Used by tests and the interop suite. Stateless and thread-safe.
 */
public final class Echo implements ProtocolHandler {
  public static final ProtocolId ID = ProtocolId.of("/echo/1.0.0");

  /** Bytes copied per read. */
  public static final int BUFFER_SIZE = 64 * 1024;

  @Override
  public void handle(Stream s) throws IOException {
    InputStream in = s.in();
    OutputStream out = s.out();
    byte[] buf = new byte[BUFFER_SIZE];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      if (in.available() == 0) {
        out.flush();
      }
    }
    s.closeWrite();
  }
}
