/**
 * Yamux stream multiplexer ({@code /yamux/1.0.0}): {@link io.jlibp2p.muxer.yamux.YamuxMuxer}
 * configured by {@link io.jlibp2p.muxer.yamux.YamuxConfig}.
 *
 * <p>I/O model per connection: one reader virtual thread decodes frames into bounded per-stream
 * buffers (bounded by each stream's receive window) and never runs user code or blocks on a write;
 * one writer virtual thread drains a small queue of control frames (ping replies, window updates,
 * resets, GoAway) and sends keep-alive pings; application threads write data frames themselves
 * under one write lock, flushing once per {@code write} call unless another writer is queued
 * (group commit). Window credit is returned only as the application reads.
 */
package io.jlibp2p.muxer.yamux;
