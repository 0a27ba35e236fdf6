/** The public API of jlibp2p: hosts, connections, streams, protocol ids and their failures. */
package io.jlibp2p.core;
