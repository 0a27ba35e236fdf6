/** The libp2p TLS 1.3 secure channel ({@link io.jlibp2p.security.tls.TlsTransport}). */
package io.jlibp2p.security.tls;
