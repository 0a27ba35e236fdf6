package io.jlibp2p.core;

import java.io.IOException;

/**
 * Serves one protocol on inbound streams. Each stream's {@link #handle} runs on its own virtual
 * thread and owns the stream: returning closes it, throwing resets it. Implementations must be
 * thread-safe (many streams run at once).
 *
 * {@snippet :
 * ProtocolHandler echo = s -> s.in().transferTo(s.out());
 * }
 */
@FunctionalInterface
public interface ProtocolHandler {
  void handle(Stream stream) throws IOException;
}
