#!/bin/sh
# make run: initialise the site when needed and serve it in the foreground on
# 127.0.0.1:${PORT:-8000}. SERVER picks the web server: lighttpd (default),
# apache (Apache 2.4, event MPM + mod_cgid), apache-cgi (prefork + mod_cgi) or
# apache-fcgid (event MPM + mod_fcgid: persistent FastCGI processes).
# FASTCGI=1 (lighttpd only) runs the programs as persistent FastCGI processes.
# Ctrl-C stops it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" --run
PORT=${PORT:-8000}
SERVER=${SERVER:-lighttpd}
export PORT
OMI_DATA_DIR=${OMI_DATA_DIR:-$top/data}
export OMI_DATA_DIR

# reachable USER DIR r|w|x: whether USER can enter every directory down to
# DIR and, with r or w, read or write DIR; if not, says on one line what to
# change.
reachable() {
	why=$(runuser -u "$1" -- sh -c '
		p=/ rest=${1#/}
		while [ -n "$rest" ]; do
			[ -x "$p" ] || break
			case $rest in
			*/*) part=${rest%%/*} rest=${rest#*/} ;;
			*) part=$rest rest= ;;
			esac
			p=${p%/}/$part
		done
		[ -x "$p" ] && [ -"$2" "$p" ] || echo "$p"' sh "$2" "$3")
	[ -z "$why" ] && return 0
	if [ "$why" != "$2" ] || [ "$3" = x ] || [ ! -x "$why" ]; then
		echo "make run: Apache serves as $1, which cannot enter $why (mode $(stat -c %a "$why"), owner $(stat -c %U "$why")): run 'chmod o+x $why', or choose an OMI_DATA_DIR that $1 can reach" >&2
	else
		echo "make run: Apache serves as $1, which cannot $([ "$3" = w ] && echo write || echo read) $2: run 'chown -R $1 $2'" >&2
	fi
	return 1
}
# Apache will not run CGI programs as root: as root it serves as www-data,
# which must reach the data directory (omi-admin too works as its owner).
# A parent of mode 0700 (under /root, or mktemp -d) made every request a
# 503 with the reason only in the error log.
apache_user=
if [ "$(id -u)" = 0 ] && [ "${SERVER#apache}" != "$SERVER" ]; then
	apache_user=${OMI_APACHE_USER:-www-data}
fi
parent=$(dirname "$OMI_DATA_DIR")
if [ -n "$apache_user" ] && [ -d "$parent" ]; then
	reachable "$apache_user" "$(cd "$parent" && pwd)" x || exit 1
fi
"$top/omi-admin" init >/dev/null

conf=$(mktemp -d "${TMPDIR:-/tmp}/omi-run.XXXXXX")
chmod 755 "$conf"
case $SERVER in
lighttpd)
	OMI_FASTCGI=${FASTCGI:-0} "$top/scripts/lighttpd-conf.sh" "$conf/lighttpd.conf" "$top" "$top/cgi-bin" \
	    "$OMI_DATA_DIR" "$PORT" /dev/stderr "$conf/lighttpd.pid"
	set -- lighttpd -D -f "$conf/lighttpd.conf"
	;;
apache|apache-cgid|apache-cgi|apache-fcgid)
	[ -x /usr/sbin/apache2 ] || { echo "Apache is missing: apt-get install apache2" >&2; exit 1; }
	if [ -n "$apache_user" ]; then
		chown -R "$apache_user" "$OMI_DATA_DIR"
		reachable "$apache_user" "$(cd "$OMI_DATA_DIR" && pwd)" w &&
		    reachable "$apache_user" "$top/cgi-bin" r &&
		    reachable "$apache_user" "$top/htdocs" r || exit 1
	fi
	set -- "$top/scripts/apache-start.sh" "$SERVER" "$conf/apache" "$top/cgi-bin" \
	    "$OMI_DATA_DIR" "$PORT" /dev/stderr
	;;
*)
	echo "unknown SERVER=$SERVER (lighttpd, apache, apache-cgi, apache-fcgid)" >&2
	exit 2
	;;
esac
mode=CGI
{ [ "${FASTCGI:-0}" = 1 ] || [ "$SERVER" = apache-fcgid ]; } && mode=FastCGI
# The address the default base URL names: the setup page opened at another
# one (127.0.0.1) warns that the OpenAPI document names a different server.
echo "OMI bridge on http://localhost:$PORT/ via $SERVER, $mode (data: $OMI_DATA_DIR)"
echo
"$top/omi-admin" config
echo
echo "Create an account (prints the user's webhook URL):"
echo "  OMI_DATA_DIR=$OMI_DATA_DIR $top/omi-admin user add <OMI user id>"
echo
echo "Press Ctrl-C to stop."
"$@" &
pid=$!
stop() {
	[ -f "$conf/apache/httpd.pid" ] && kill "$(cat "$conf/apache/httpd.pid")" 2>/dev/null
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	rm -rf "$conf"
	exit 0
}
trap stop INT TERM
wait $pid
rm -rf "$conf"
