#!/usr/bin/env bash
# Builds a tool from the Go module proxy once and prints its path:
#   bash stack/go-tool.sh <command> <module@version>   e.g. kustomize, for the tests that render deploy/kubernetes
#   bash stack/go-tool.sh <command> <folder>           a tool module of stack/tools/ (go.mod + go.sum
#                                                      pin every dependency), e.g. jaeger, the trace back end
# Kept in ${XDG_CACHE_HOME:-~/.cache}/airlock/go-bin/<version>; needs Go (this project's machines
# have it). Fails with how to get Go when it is missing. Two callers at once build it once (a lock).
set -euo pipefail
cmd=${1:?usage: go-tool.sh <command> <module@version | tool folder>}
source=${2:?usage: go-tool.sh <command> <module@version | tool folder>}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/airlock/go-bin"
if [ -f "$source/go.mod" ]; then
  # Keyed by the pinned module graph: a changed go.sum builds anew.
  bin="$cache/$cmd-$(cat "$source/go.mod" "$source/go.sum" | sha256sum | cut -c1-16)"
else
  bin="$cache/${source##*@}"
fi
mkdir -p "$cache"
exec 9>"$cache/.$cmd.lock"
flock 9
if [ ! -x "$bin/$cmd" ]; then
  command -v go >/dev/null || { echo "Go is needed to build $cmd ($source): install it (https://go.dev/doc/install, or apt-get install -y golang)" >&2; exit 1; }
  mkdir -p "$bin"
  echo "building $cmd from $source (once; a large tool takes minutes)" >&2
  if [ -f "$source/go.mod" ]; then
    (cd "$source" && GOBIN="$bin.tmp" GOFLAGS=-mod=readonly go install tool) >&2
    mv "$bin.tmp/$cmd" "$bin/$cmd" && rmdir "$bin.tmp"
  else
    GOBIN="$bin" GOFLAGS=-mod=mod go install "$source" >&2
  fi
fi
echo "$bin/$cmd"
