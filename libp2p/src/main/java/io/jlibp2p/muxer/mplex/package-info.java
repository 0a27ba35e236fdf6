/**
 * mplex stream multiplexer ({@code /mplex/6.7.0}): {@link io.jlibp2p.muxer.mplex.MplexMuxer}
 * configured by {@link io.jlibp2p.muxer.mplex.MplexConfig}. Same threading as yamux; no flow
 * control, so a stream whose application does not read is reset after a grace period.
 */
package io.jlibp2p.muxer.mplex;
