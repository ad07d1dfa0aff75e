/*
 * omi-admin: manages the site from the host's shell: configuration,
 * accounts, stored conversations and the integrity check. Every command
 * honours OMI_DATA_DIR (default: the project's data/), works through the
 * same store module and locks as the CGI programs, and can run while the
 * site serves requests. Run as root on a data directory that another user
 * owns (the web server's), it first becomes that user, so that every file
 * it creates or replaces stays writable by the CGI programs.
 */
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/admin.h"
#include "lib/sec.h"

#ifndef OMI_ADMIN_DATADIR
#define OMI_ADMIN_DATADIR "data"
#endif

static const struct admin_cmd *tables[6];

static void
usage(FILE *f)
{
	const struct admin_cmd	*t;
	size_t			 i;

	fprintf(f, "usage: omi-admin COMMAND [ARGS] (COMMAND --help for "
	    "details)\n\nData directory: $OMI_DATA_DIR, default %s\n\n"
	    "Commands:\n", OMI_ADMIN_DATADIR);
	for (i = 0; i < 6; i++)
		for (t = tables[i]; t->name != NULL; t++)
			fprintf(f, "  %-22s %s\n", t->name, t->help);
}

/* Matches "user add" against argv[0] argv[1]; returns the words used. */
static int
match(const char *name, int argc, char **argv)
{
	const char	*sp = strchr(name, ' ');
	size_t		 n = sp ? (size_t)(sp - name) : strlen(name);

	if (argc < 1 || strlen(argv[0]) != n || strncmp(argv[0], name, n) != 0)
		return 0;
	if (sp == NULL)
		return 1;
	return argc >= 2 && strcmp(argv[1], sp + 1) == 0 ? 2 : 0;
}

/* Prints ARG for a shell: bare when plain, else in single quotes. */
static void
shell_word(FILE *f, const char *arg)
{
	const char *p;

	if (*arg != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-") == strlen(arg)) {
		fputs(arg, f);
		return;
	}
	fputc('\'', f);
	for (p = arg; *p != '\0'; p++)
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	fputc('\'', f);
}

/*
 * As root, when DATADIR belongs to another user: switches to that user (its
 * primary group only, no supplementary groups) before anything is opened.
 * A root-owned config.json or journal there would lock the CGI programs
 * out (every request a 503). Returns 0, or -1 after printing the runuser
 * command that does the same, when the switch is impossible.
 */
static int
become_owner(const char *datadir, int argc, char **argv)
{
	struct stat	 st;
	struct passwd	*pw;
	gid_t		 gid;
	char		 exe[4096], who[64];
	ssize_t		 n;
	int		 i;

	if (geteuid() != 0 || stat(datadir, &st) == -1 || st.st_uid == 0)
		return 0;
	pw = getpwuid(st.st_uid);
	gid = pw != NULL ? pw->pw_gid : st.st_gid;
	if (pw == NULL || snprintf(who, sizeof(who), "%s", pw->pw_name) >=
	    (int)sizeof(who))
		snprintf(who, sizeof(who), "user %lu", (unsigned long)st.st_uid);
	if (gid != 0 && setgroups(1, &gid) == 0 && setgid(gid) == 0 &&
	    setuid(st.st_uid) == 0 && setuid(0) == -1) {
		if (access(datadir, X_OK) == 0)
			return 0;
		/* A parent of mode 0700, as /root is: say so, not EACCES. */
		fprintf(stderr, "omi-admin: %s belongs to %s, who cannot "
		    "reach it: let that user enter every parent directory "
		    "(chmod o+x)\n", datadir, who);
		return -1;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		n = snprintf(exe, sizeof(exe), "omi-admin");
	exe[n] = '\0';
	fprintf(stderr, "omi-admin: %s belongs to %s, and switching to it "
	    "failed (omi-admin never keeps group root); run instead:\n  ",
	    datadir, who);
	if (pw != NULL) {
		fputs("runuser -u ", stderr);
		shell_word(stderr, pw->pw_name);
		fputs(" -- ", stderr);
	} else
		fprintf(stderr, "setpriv --reuid=%lu --regid=%lu --clear-groups "
		    "-- ", (unsigned long)st.st_uid, (unsigned long)st.st_gid);
	shell_word(stderr, exe);
	for (i = 0; i < argc; i++) {
		fputc(' ', stderr);
		shell_word(stderr, argv[i]);
	}
	fputc('\n', stderr);
	return -1;
}

int
main(int argc, char **argv)
{
	const struct admin_cmd	*t, *cmd = NULL;
	struct admin_ctx	 c;
	size_t			 i;
	char			*datadir;
	int			 used = 0, rc, k;

	tables[0] = admin_core_cmds;
	tables[1] = admin_user_cmds;
	tables[2] = admin_data_cmds;
	tables[3] = admin_oauth_cmds;
	tables[4] = admin_api_cmds;
	tables[5] = admin_search_cmds;
	memset(&c, 0, sizeof(c));
	if (sec_init() == -1)
		return 1;
	argc--;
	argv++;
	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	for (i = 0; i < 6 && cmd == NULL; i++)
		for (t = tables[i]; t->name != NULL; t++)
			if ((used = match(t->name, argc, argv)) > 0) {
				cmd = t;
				break;
			}
	if (cmd == NULL) {
		fprintf(stderr, "omi-admin: unknown command '%s'\n", argv[0]);
		usage(stderr);
		return 2;
	}
	for (k = used; k < argc; k++)
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			printf("usage: omi-admin %s %s\n  %s\n", cmd->name,
			    cmd->usage, cmd->help);
			return 0;
		}
	if ((datadir = config_datadir(getenv("OMI_DATA_DIR"),
	    OMI_ADMIN_DATADIR)) == NULL)
		return 1;
	c.datadir = datadir;
	if (become_owner(c.datadir, argc, argv) == -1) {
		free(datadir);
		return 1;
	}
	if (cmd->needs_config && config_load(&c.cfg, c.datadir) == -1) {
		fprintf(stderr, "omi-admin: no configuration in %s (%s); run "
		    "'omi-admin init' first\n", c.datadir, strerror(errno));
		free(datadir);
		return 1;
	}
	rc = cmd->run(&c, argc - used, argv + used);
	if (rc == 2)
		fprintf(stderr, "usage: omi-admin %s %s\n", cmd->name,
		    cmd->usage);
	config_free(&c.cfg);
	free(datadir);
	return rc;
}
