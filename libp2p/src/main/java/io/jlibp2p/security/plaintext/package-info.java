/** The insecure {@code /plaintext/2.0.0} channel, for tests ({@link io.jlibp2p.security.plaintext.PlaintextTransport}). */
package io.jlibp2p.security.plaintext;
