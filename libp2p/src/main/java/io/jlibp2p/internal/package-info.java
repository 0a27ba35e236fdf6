/** Helpers shared by jlibp2p's own packages (not API): {@link io.jlibp2p.internal.BufferPool}. */
package io.jlibp2p.internal;
