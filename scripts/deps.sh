#!/bin/sh
# Checks for (and, as root, installs) the Debian packages the project needs.
#   deps.sh --check   build dependencies only (headers, pkg-config)
#   deps.sh --run     + lighttpd
#   deps.sh --test    + everything the test suite drives (servers, curl, browser)
set -eu
mode=${1:---check}
build="gcc make pkg-config libjansson-dev libsodium-dev libgdbm-dev libcrypt-dev libfcgi-dev"
run="lighttpd curl"
test="apache2 chromium nodejs npm valgrind"
case $mode in
--check) want="$build" ;;
--run) want="$build $run" ;;
--test) want="$build $run $test" ;;
*) echo "usage: $0 --check|--run|--test" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "Installing missing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi
echo "Missing Debian packages. Install them with:" >&2
echo "  sudo apt-get install$missing" >&2
exit 1
