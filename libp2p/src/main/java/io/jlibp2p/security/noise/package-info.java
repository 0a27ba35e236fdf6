/** The noise-libp2p secure channel ({@link io.jlibp2p.security.noise.NoiseTransport}). */
package io.jlibp2p.security.noise;
