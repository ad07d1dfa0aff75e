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
bash "$tests/node-deps.sh" || exit 1

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
