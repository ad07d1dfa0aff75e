#!/bin/sh
# make test-fresh (opt-in; root and Debian's package mirror needed): the
# README's first command on a clean Debian root, as a new user meets it.
# debootstrap makes a minimal Debian (bookworm) in a temporary directory,
# the tree (git ls-files) is copied into it, and in a chroot inside its own
# mount namespace: apt-get install make (a user has make to type `make`),
# then `make` must build from nothing (it installs the -dev packages), and
# `make run` must serve: its OpenAPI document answers on the port it prints.
# Nothing on this machine changes; the root is removed at the end
# (OMI_KEEP_TMP=1 keeps it).
#   OMI_FRESH_TREE=DIR	another checkout to test (default: this one)
#   OMI_FRESH_SUITE	the Debian release (default bookworm)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${OMI_FRESH_TREE:-$top}
suite=${OMI_FRESH_SUITE:-bookworm}
[ "$(id -u)" = 0 ] || { echo "make test-fresh: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "make test-fresh: scripts/deps.sh --fresh" >&2; exit 1; }
root=$(mktemp -d "${TMPDIR:-/var/tmp}/omi-fresh.XXXXXX")
cleanup() { [ -n "${OMI_KEEP_TMP:-}" ] || rm -rf --one-file-system "$root"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

echo "test-fresh: debootstrap $suite into $root" >&2
debootstrap --variant=minbase "$suite" "$root" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
mkdir -p "$root/src/omi"
(cd "$tree" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$root/src/omi")
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Inside the chroot, with a new user's environment (env -i): started by
# make, this script's MAKEFLAGS would tell the chroot's make that the
# dependency step already ran. make run goes in its own session, so that the
# whole of it (make, run.sh, lighttpd) stops together.
cat > "$root/src/fresh.sh" <<'EOF'
#!/bin/sh
set -eu
port=$1
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends make >/dev/null
cd /src/omi
echo "test-fresh: make (the first command, nothing installed yet)" >&2
make
echo "test-fresh: make run on port $port" >&2
PORT=$port setsid make run >/src/run.log 2>&1 &
pid=$!
i=0 ok=0
while [ $i -lt 600 ]; do
	if command -v curl >/dev/null &&
	    curl -sf "http://127.0.0.1:$port/openapi.json" >/src/openapi.json; then
		ok=1
		break
	fi
	kill -0 $pid 2>/dev/null || break
	sleep 0.5
	i=$((i + 1))
done
kill -TERM -$pid 2>/dev/null || true	# dash: no "--"
wait $pid 2>/dev/null || true
cat /src/run.log >&2
[ $ok = 1 ] || { echo "test-fresh: FAIL: make run did not serve" >&2; exit 1; }
grep -q "\"url\": *\"http://localhost:$port\"" /src/openapi.json ||
    { echo "test-fresh: FAIL: the OpenAPI document does not name port $port" >&2; exit 1; }
echo "test-fresh: make run serves on $port" >&2
EOF
chmod 755 "$root/src/fresh.sh"
if unshare --mount --fork sh -c '
	set -e
	mount --make-rprivate /
	mount -t proc proc "$1/proc"
	mount --rbind /dev "$1/dev"
	mount -t sysfs sys "$1/sys"
	chroot "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	    /src/fresh.sh "$2"' sh "$root" "$port"; then
	echo "test-fresh: 1 passed, 0 failed"
else
	echo "test-fresh: 0 passed, 1 failed"
	exit 1
fi
