package io.jlibp2p.muxer.internal;

import java.util.ArrayList;

/**
 * Wake-ups of stream readers that a connection's reader thread holds back while more frames are
 * already there to decode: waking an application thread for every frame of a bulk transfer costs
 * more than the frame's copy. The reader {@link #flush flushes} before anything that may block (a
 * read of the connection that would wait for bytes, a wait for buffer space), so a held wake-up is
 * delayed only by frames that were already received. Reader thread only; not thread-safe.
 */
public final class DeferredSignals {
  /**
   * A stream whose buffer holds at least this many bytes is woken at once: the application should
   * drain it (and return flow-control credit) while the reader goes on.
   */
  public static final int IMMEDIATE_BYTES = 128 * 1024;

  private final ArrayList<MuxStream> held = new ArrayList<>();

  /** Holds back {@code s}'s wake-up until the next {@link #flush}. */
  void hold(MuxStream s) {
    held.add(s);
  }

  public boolean isEmpty() {
    return held.isEmpty();
  }

  /** Wakes every stream reader held back. */
  public void flush() {
    for (int i = 0; i < held.size(); i++) {
      held.get(i).releaseHeldSignal();
    }
    held.clear();
  }
}
