package io.jlibp2p.core;

import java.io.IOException;

/** The connection (or the stream's connection) is closed; nothing more can be sent or received on it. */
public class ConnectionClosedException extends IOException {
  public ConnectionClosedException(String message) {
    super(message);
  }

  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
