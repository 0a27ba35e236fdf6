package io.jlibp2p.cli;

import io.jlibp2p.host.Libp2p;
import picocli.CommandLine.IVersionProvider;

/** Prints the library version. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"jlibp2p " + Libp2p.VERSION};
  }
}
