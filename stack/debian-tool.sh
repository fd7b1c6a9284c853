#!/usr/bin/env bash
# Makes a tool from a Debian package available to the tests (e.g. `prometheus`, `promtool`):
#   bash stack/debian-tool.sh <command> <package>
# Nothing to do when the command is on PATH. As root with apt-get (CI, this project's machines), the
# package is installed; Debian's service scripts are not started (there is no init here, and the
# tests start their own instance). Otherwise it exits 1 with the command that installs it.
set -euo pipefail
cmd=${1:?usage: debian-tool.sh <command> <package>}
pkg=${2:?usage: debian-tool.sh <command> <package>}
command -v "$cmd" >/dev/null && exit 0
logs="$(dirname "${BASH_SOURCE[0]}")/../.stack/logs"
mkdir -p "$logs"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's $pkg (for $cmd)" >&2
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg"; } \
    >"$logs/apt-$pkg.log" 2>&1 || { echo "apt-get could not install $pkg; see $logs/apt-$pkg.log" >&2; exit 1; }
  (service "$pkg" stop || true) >/dev/null 2>&1
  command -v "$cmd" >/dev/null || { echo "$pkg is installed but $cmd is not on PATH" >&2; exit 1; }
else
  echo "$cmd is missing: install it with 'sudo apt-get install -y $pkg'" >&2
  exit 1
fi
