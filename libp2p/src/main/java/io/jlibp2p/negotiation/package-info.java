/** Protocol negotiation: multistream-select 1.0 ({@link io.jlibp2p.negotiation.MultistreamSelect}). */
package io.jlibp2p.negotiation;
