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
   * A stream holding at least this many bytes for its reader (buffered, or in the array a waiting
   * read offered) is woken at once: the application should drain them (and return flow-control
   * credit) while the reader goes on. Every wake-up takes a CPU from someone: on two cores, bulk
   * receivers spent 4-20% more CPU per GiB when woken from 128 KiB than from 1 MiB (yamux over
   * Noise and TLS, four sets of alternating runs). A smaller flow-control window than this is no
   * obstacle: the sender then stops, the input runs dry and the reader flushes.
   */
  public static final int IMMEDIATE_BYTES = 1024 * 1024;

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
