package io.jlibp2p.spi;

import java.io.Closeable;
import java.io.IOException;

/**
 * A multiplexed connection. Thread-safe: any thread may open streams, one thread accepts.
 *
 * <p>One reader thread per connection decodes frames into bounded per-stream buffers; it never runs
 * user code and never blocks on a write.
 */
public interface MuxedConnection extends Closeable {
  /** Opens a new outbound stream. Blocks while the concurrent-stream limit is reached. */
  MuxedStream openStream() throws IOException;

  /**
   * Blocks until the remote opens a stream. Throws {@link io.jlibp2p.core.ConnectionClosedException}
   * once the connection is closed (locally, remotely, or because of a protocol error).
   */
  MuxedStream acceptStream() throws IOException;

  /** Whether the connection is closed. */
  boolean isClosed();

  /**
   * Closes the connection (yamux sends GoAway), resets every open stream, closes the underlying
   * connection. Idempotent, never throws.
   */
  @Override
  void close();
}
