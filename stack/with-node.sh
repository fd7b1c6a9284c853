#!/usr/bin/env bash
# Runs a command with Node.js >= 22.18 first on PATH (see node-env.sh), installing the project's
# dependencies first when node_modules is missing or older than package-lock.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=stack/node-env.sh
. "$here/node-env.sh"
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "airlock: installing dependencies (npm ci)" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
exec "$@"
