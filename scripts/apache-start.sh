#!/bin/sh
# Starts Apache 2.4 in the foreground from the project's apache.conf.
#   apache-start.sh MODE RUNDIR CGIBIN DATADIR PORT ERRORLOG
# MODE: apache-cgid (event MPM + mod_cgid), apache-cgi (prefork + mod_cgi)
# and apache-fcgid (event MPM + mod_fcgid, apache.conf with OMI_FCGID defined)
# serve the project from its apache.conf; apache-dist serves an unpacked
# `make dist` tarball (DATADIR/../public_html) with nothing but its
# .htaccess files, as a shared host would, under the path /omi/ of a
# document root that is not the bridge's (an empty directory): so every
# discovery URL a client reaches must be one the bridge serves below /omi.
# When started as root, Apache serves (and runs the CGI programs) as
# $OMI_APACHE_USER (default www-data), which must be able to read and write
# DATADIR.
set -eu
[ $# -eq 6 ] || { echo "usage: $0 MODE RUNDIR CGIBIN DATADIR PORT ERRORLOG" >&2; exit 2; }
mode=$1 run=$2 cgibin=$3 data=$4 port=$5 log=$6
top=$(cd "$(dirname "$0")/.." && pwd)
mods=/usr/lib/apache2/modules
mkdir -p "$run"
case $mode in
apache|apache-cgid) mpm=mpm_event cgi=cgid ;;
apache-cgi) mpm=mpm_prefork cgi=cgi ;;
apache-fcgid) mpm=mpm_event cgi=fcgid ;;
apache-dist) mpm=mpm_event cgi=cgid ;;
*) echo "unknown mode $mode" >&2; exit 2 ;;
esac
user=""
if [ "$(id -u)" = 0 ]; then
	u=${OMI_APACHE_USER:-www-data}
	user="User $u
Group $(id -gn "$u")"
	chown "$u" "$run"
fi
cat > "$run/httpd.conf" <<CONF
ServerRoot "$run"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$run/httpd.pid"
DefaultRuntimeDir "$run"
ErrorLog "$log"
LogLevel warn
$user
LoadModule ${mpm}_module $mods/mod_${mpm}.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_host_module $mods/mod_authz_host.so
LoadModule alias_module $mods/mod_alias.so
LoadModule rewrite_module $mods/mod_rewrite.so
LoadModule env_module $mods/mod_env.so
LoadModule setenvif_module $mods/mod_setenvif.so
LoadModule mime_module $mods/mod_mime.so
LoadModule dir_module $mods/mod_dir.so
LoadModule headers_module $mods/mod_headers.so
LoadModule reqtimeout_module $mods/mod_reqtimeout.so
LoadModule ${cgi}_module $mods/mod_${cgi}.so
TypesConfig /etc/mime.types
<IfModule cgid_module>
ScriptSock "$run/cgid.sock"
</IfModule>
<IfModule fcgid_module>
Define OMI_FCGID
FcgidIPCDir "$run/fcgid"
FcgidProcessTableFile "$run/fcgid.shm"
</IfModule>
StartServers 2
CONF
if [ "$mode" = apache-dist ]; then
	docroot=$(cd "$data/.." && pwd)/public_html
	mkdir -p "$run/root"
	cat >> "$run/httpd.conf" <<CONF
DocumentRoot "$run/root"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "$run/root">
    Require all granted
</Directory>
Alias /omi "$docroot"
<Directory "$docroot">
    AllowOverride FileInfo Options=ExecCGI
    Require all granted
</Directory>
CONF
else
	cat >> "$run/httpd.conf" <<CONF
Define OMI_ROOT "$top"
Define OMI_CGIBIN "$cgibin"
Define OMI_DATA_DIR "$data"
Include "$top/apache.conf"
CONF
fi
# Its own session: prefork signals its whole process group when it stops.
exec setsid /usr/sbin/apache2 -f "$run/httpd.conf" -DFOREGROUND
