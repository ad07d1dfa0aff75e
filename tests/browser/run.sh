#!/bin/bash
# tests/browser/run.sh TEST.mjs: runs one browser test. Installs the Node
# packages of tests/package.json (playwright-core, the MCP SDK, ...) into
# tests/node_modules when they are missing or tests/package-lock.json has
# changed since they were installed, starts $OMI_SERVER (lighttpd by
# default) on a fresh site through tests/lib.sh, creates a user (its webhook
# key in OMI_WEBHOOK_KEY), sources
# the test's NAME.setup.sh when it has one (more users and conversations),
# and runs the test with node, which drives the system Chromium
# (/usr/bin/chromium, or $CHROMIUM) headless. The test prints
# "NAME [...]: N passed, N failed" and appends the counts to $OMI_RESULTS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/.." && pwd)
test=${1:?usage: run.sh TEST.mjs}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "browser test: $CHROMIUM is missing (apt-get install chromium)" >&2; exit 1; }
command -v node >/dev/null || { echo "browser test: node is missing (apt-get install nodejs npm)" >&2; exit 1; }
# The stamp holds the checksum of the lockfile the modules were installed
# from: a node_modules from before a dependency was added (or without
# one) is installed again, not used half-complete.
stamp=$tests/node_modules/.omi-lock.sha256
want=$(sha256sum < "$tests/package-lock.json")
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	echo "Installing the test packages into tests/node_modules" >&2
	(cd "$tests" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
	    { echo "browser test: npm ci could not install tests/package-lock.json" >&2; exit 1; }
	printf '%s\n' "$want" > "$stamp"
fi

. "$tests/lib.sh"
export OMI_USER=alice OMI_PASSWORD='browser pass 1'
site_init "$T_TMP/data"
user_add "$OMI_USER" "$OMI_PASSWORD" || exit 1
server_start || exit 1
config_set base_url "\"$BASE\""
oauth_client
export OMI_WEBHOOK_KEY=$WEBHOOK_KEY OMI_FIXTURES=$FIXTURES
export BASE CLIENT_ID CLIENT_SECRET OAUTH_REDIRECT
export BROWSER_TMP=$T_TMP OMI_SERVER
setup=${test%.test.mjs}.setup.sh
if [ -f "$setup" ]; then
	. "$setup"
fi
node "$test"
