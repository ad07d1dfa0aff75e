#!/bin/sh
# Writes a lighttpd configuration that sets the variables of the project's
# lighttpd.conf and includes it (lighttpd-fastcgi.conf when OMI_FASTCGI=1).
#   lighttpd-conf.sh OUT ROOT CGIBIN DATADIR PORT ERRORLOG PIDFILE
set -eu
[ $# -eq 7 ] || { echo "usage: $0 OUT ROOT CGIBIN DATADIR PORT ERRORLOG PIDFILE" >&2; exit 2; }
conf=lighttpd.conf
[ "${OMI_FASTCGI:-0}" = 1 ] && conf=lighttpd-fastcgi.conf
cat > "$1" <<CONF
var.omi_root     = "$2"
var.omi_cgibin   = "$3"
var.omi_datadir  = "$4"
var.omi_port     = $5
var.omi_bind     = "127.0.0.1"
var.omi_errorlog = "$6"
var.omi_pidfile  = "$7"
var.omi_rundir   = "$(dirname "$1")"
include "$2/$conf"
CONF
# Started as root, lighttpd drops to this user (and CGI programs run as it).
if [ -n "${OMI_SERVER_USER:-}" ]; then
	printf 'server.username = "%s"\nserver.groupname = "%s"\n' \
	    "$OMI_SERVER_USER" "$(id -gn "$OMI_SERVER_USER")" >> "$1"
fi
