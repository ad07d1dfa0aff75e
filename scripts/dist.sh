#!/bin/sh
# Packs a shared-hosting tarball from a build directory made by `make dist`:
# public_html/ (htdocs, cgi-bin with the programs, .htaccess files), an
# empty data/, omi-admin and INSTALL. Modes are set for suEXEC.
#   dist.sh VERSION BUILD_DIR
set -eu
version=$1 build=$2
top=$(cd "$(dirname "$0")/.." && pwd)
name=omi-bridge-$version
stage=$(mktemp -d "${TMPDIR:-/tmp}/omi-dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/$name
mkdir -p "$root/public_html/cgi-bin" "$root/data"
cp -R "$top/htdocs/." "$root/public_html/"
cp "$top/scripts/dist/public.htaccess" "$root/public_html/.htaccess"
# The consent-page template is compiled into the authorize program.
rm -f "$root/public_html/authorize.html"
cp "$top/scripts/dist/cgi-bin.htaccess" "$root/public_html/cgi-bin/.htaccess"
for p in webhook authorize token conversations mcp view; do
	cp "$build/cgi-bin/$p" "$root/public_html/cgi-bin/$p"
done
cp "$build/omi-admin" "$root/omi-admin"
cp "$top/data/.htaccess" "$root/data/.htaccess"
cp "$top/scripts/dist/INSTALL" "$root/INSTALL"
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -exec chmod 644 {} +
chmod 755 "$root/omi-admin" "$root"/public_html/cgi-bin/webhook \
    "$root"/public_html/cgi-bin/authorize "$root"/public_html/cgi-bin/token \
    "$root"/public_html/cgi-bin/conversations "$root"/public_html/cgi-bin/mcp \
    "$root"/public_html/cgi-bin/view
strip "$root/omi-admin" "$root"/public_html/cgi-bin/webhook "$root"/public_html/cgi-bin/authorize \
    "$root"/public_html/cgi-bin/token "$root"/public_html/cgi-bin/conversations \
    "$root"/public_html/cgi-bin/mcp "$root"/public_html/cgi-bin/view
chmod 700 "$root/data"
tar -C "$stage" --owner=0 --group=0 -czf "$top/$name.tar.gz" "$name"
echo "$top/$name.tar.gz"
