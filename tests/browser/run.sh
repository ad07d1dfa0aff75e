#!/bin/bash
# tests/browser/run.sh TEST.mjs: runs one browser test. Installs
# playwright-core (tests/package.json) into tests/node_modules when it is
# missing, starts lighttpd on a fresh site through tests/lib.sh, creates a
# user, and runs the test with node, which drives the system Chromium
# (/usr/bin/chromium, or $CHROMIUM) headless. The test prints
# "NAME: N passed, N failed" and appends the counts to $OMI_RESULTS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/.." && pwd)
test=${1:?usage: run.sh TEST.mjs}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "browser test: $CHROMIUM is missing (apt-get install chromium)" >&2; exit 1; }
command -v node >/dev/null || { echo "browser test: node is missing (apt-get install nodejs npm)" >&2; exit 1; }
if [ ! -d "$tests/node_modules/playwright-core" ]; then
	echo "Installing playwright-core into tests/node_modules" >&2
	(cd "$tests" && { npm ci --no-audit --no-fund --loglevel=error ||
	    npm install --no-audit --no-fund --loglevel=error; }) >&2 ||
	    { echo "browser test: npm could not install playwright-core" >&2; exit 1; }
fi

. "$tests/lib.sh"
export OMI_USER=alice OMI_PASSWORD='browser pass 1'
site_init "$T_TMP/data"
user_add "$OMI_USER" "$OMI_PASSWORD" || exit 1
server_start || exit 1
config_set base_url "\"$BASE\""
oauth_client
export BASE CLIENT_ID CLIENT_SECRET OAUTH_REDIRECT
export BROWSER_TMP=$T_TMP
node "$test"
