/**
 * Machinery shared by the muxers (not API): {@link io.jlibp2p.muxer.internal.MuxSession} (stream
 * table, accept backlog, reader/writer threads, shutdown), {@link
 * io.jlibp2p.muxer.internal.MuxStream} (blocking stream state machine, with {@code
 * ReadSpin} for replies), {@link
 * io.jlibp2p.muxer.internal.FrameWriter} (the single write path), {@link
 * io.jlibp2p.muxer.internal.FrameInput} and {@link io.jlibp2p.muxer.internal.RecvBuffer}.
 */
package io.jlibp2p.muxer.internal;
