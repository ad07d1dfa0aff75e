#!/bin/bash
# tests/node-deps.sh: installs the Node packages of tests/package-lock.json
# (the OpenAPI and JSON Schema validators, playwright-core, the MCP SDK)
# into tests/node_modules unless that exact lockfile is installed already.
# The stamp holds the checksum of the lockfile the modules came from, so a
# node_modules from before a dependency was added is installed again, not
# used half-complete; and the install holds a lock, so tests that start at
# once (the e2e servers run side by side) wait for one install instead of
# running npm over each other or reading a node_modules npm is writing.
set -u
tests=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null || { echo "node-deps: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
exec 9> "$tests/.node-deps.lock"
flock 9
stamp=$tests/node_modules/.omi-lock.sha256
want=$(sha256sum < "$tests/package-lock.json")
[ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && exit 0
echo "Installing the test packages into tests/node_modules" >&2
(cd "$tests" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
    { echo "node-deps: npm ci could not install tests/package-lock.json" >&2; exit 1; }
printf '%s\n' "$want" > "$stamp"
