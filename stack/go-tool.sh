#!/usr/bin/env bash
# Builds a tool from the Go module proxy once and prints its path (e.g. kustomize, for the tests
# that render deploy/kubernetes):
#   bash stack/go-tool.sh <command> <module@version>
# Kept in ${XDG_CACHE_HOME:-~/.cache}/airlock/go-bin/<version>; needs Go (this project's machines
# have it). Fails with how to get Go when it is missing.
set -euo pipefail
cmd=${1:?usage: go-tool.sh <command> <module@version>}
module=${2:?usage: go-tool.sh <command> <module@version>}
bin="${XDG_CACHE_HOME:-$HOME/.cache}/airlock/go-bin/${module##*@}"
if [ ! -x "$bin/$cmd" ]; then
  command -v go >/dev/null || { echo "Go is needed to build $cmd ($module): install it (https://go.dev/doc/install, or apt-get install -y golang)" >&2; exit 1; }
  mkdir -p "$bin"
  echo "building $cmd from $module (once)" >&2
  GOBIN="$bin" GOFLAGS=-mod=mod go install "$module" >&2
fi
echo "$bin/$cmd"
