package io.jlibp2p.core;

import java.io.IOException;

/** The stream was reset by the remote peer or locally; no further data flows in either direction. */
public class StreamResetException extends IOException {
  public StreamResetException(String message) {
    super(message);
  }
}
