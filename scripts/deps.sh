#!/bin/sh
# Checks for (and, as root, installs) the Debian packages the project needs.
#   deps.sh --check   build dependencies only (headers, pkg-config)
#   deps.sh --run     + lighttpd
#   deps.sh --test    + everything the test suite drives (servers, curl,
#                     browser, valgrind, clang)
#   deps.sh --fuzz    + clang (make fuzz)
#   deps.sh --valgrind + valgrind (make valgrind)
#   deps.sh --fresh   + debootstrap (make test-fresh)
# Several modes add up (the Makefile passes one per goal); none is --check.
set -eu
build="gcc make pkg-config libjansson-dev libsodium-dev libgdbm-dev libcrypt-dev libfcgi-dev libzstd-dev"
run="lighttpd curl"
test="apache2 libapache2-mod-fcgid chromium nodejs npm valgrind time mandoc jq"
# make fuzz: clang and its libFuzzer runtime (libclang_rt.fuzzer, in
# libclang-rt-dev: only a Recommends of clang, which apt-get below skips).
fuzz="clang libclang-rt-dev"
want="$build"
for mode in "$@"; do
	case $mode in
	--check) ;;
	--run) want="$want $run" ;;
	--test) want="$want $run $test $fuzz" ;;
	--fuzz) want="$want $fuzz" ;;
	--valgrind) want="$want valgrind" ;;
	--fresh) want="$want debootstrap" ;;
	*) echo "usage: $0 [--check|--run|--test|--fuzz|--valgrind|--fresh]..." >&2; exit 2 ;;
	esac
done
# A package counts as present when it is installed, or when the command it
# provides is already on PATH (Node.js, say, often comes from elsewhere).
provides() {
	case $1 in
	nodejs) echo node ;; npm) echo npm ;; chromium) echo chromium ;;
	lighttpd) echo lighttpd ;; apache2) echo apache2 ;; curl) echo curl ;;
	valgrind) echo valgrind ;; gcc) echo gcc ;; make) echo make ;;
	clang) echo clang ;; debootstrap) echo debootstrap ;; jq) echo jq ;;
	pkg-config) echo pkg-config ;; *) echo "" ;;
	esac
}
missing=""
for p in $want; do
	cmd=$(provides "$p")
	if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then
		continue
	fi
	[ "$p" = apache2 ] && [ -x /usr/sbin/apache2 ] && continue
	[ "$p" = libapache2-mod-fcgid ] &&
	    [ -f /usr/lib/apache2/modules/mod_fcgid.so ] && continue
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
