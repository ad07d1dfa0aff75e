/*
 * store: GDBM behind a lock file and a write-ahead journal.
 *
 * Locking. GDBM's own flock never waits (a second writer fails at once and a
 * stream of readers starves writers), so every session first takes flock(2)
 * on data/omi.lock, shared for readers and exclusive for writers, blocking
 * up to a timeout, and opens GDBM with GDBM_NOLOCK. flock is released by the
 * kernel when a process dies, so a killed request never leaves a stale lock.
 *
 * Durability. A GDBM writer killed in the middle of a store can leave the
 * file damaged, and gdbm_recover can then drop records committed earlier.
 * So the database is never the only copy of an acknowledged change:
 *
 *   omi.db       = omi.snap (or empty when absent) + every record of omi.journal
 *
 * A commit appends one journal record (all of the session's changes, with a
 * checksum) and fdatasync()s it, then applies the changes to GDBM and marks
 * the record applied (its last byte becomes 'A'). GDBM itself is not synced
 * per commit: the journal already holds the change on disk, and unsynced
 * page-cache writes survive anything but a reboot. The boot id in omi.boot
 * catches those: a session that finds a different boot id rebuilds the
 * database as below. (Where no boot id can be read, every commit syncs.)
 * Catchable signals are blocked for that window. A session that finds the
 * last record unapplied knows a writer died inside the window; under the
 * exclusive lock it rebuilds omi.db from the snapshot and the journal. A
 * torn last record was never acknowledged, and GDBM was not yet touched for
 * it, so it is cut off. When the journal outgrows the database a checkpoint
 * copies omi.db to omi.snap and empties the journal.
 *
 * Changes are queued in memory until commit, so a session is all or nothing
 * and a get sees the session's own earlier puts.
 */
#include <sys/file.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gdbm.h>
#include <sodium.h>

#include "log.h"
#include "store.h"
#include "util.h"

#define JOURNAL_MAGIC		"OMJ1"
#define JOURNAL_HDR		(4 + 8 + 16)	/* magic, length, checksum */
#define JOURNAL_TRAILER		(8 + 1)		/* length again, state byte */
#define CHECKPOINT_MIN		(8u << 20)

/*
 * Crash points for the reliability tests, compiled only into the test
 * (sanitizer) build: a request header X-Omi-Test-Crash names the point at
 * which the writer kills itself with SIGKILL, as a host's limits would.
 */
#ifdef OMI_TEST_HOOKS
static void
crash_point(const char *where, const char *dbpath)
{
	const char	*w = getenv("HTTP_X_OMI_TEST_CRASH");
	int		 fd;

	if (w == NULL || strcmp(w, where) != 0)
		return;
	if (strcmp(where, "apply-torn") == 0 && dbpath != NULL &&
	    (fd = open(dbpath, O_WRONLY | O_CLOEXEC)) != -1) {
		/* Simulate a half-written GDBM update: scribble on the file. */
		(void)!pwrite(fd, "torn torn torn torn torn torn torn ", 35, 0);
		close(fd);
	}
	raise(SIGKILL);
}
#else
#define crash_point(where, dbpath) ((void)0)
#endif

struct change {
	char	*key;
	char	*val;		/* NULL for a delete */
	size_t	 len;
};

struct store {
	char		*dir;
	int		 lockfd;
	enum store_mode	 mode;
	GDBM_FILE	 db;
	char		*dbpath;
	int		 lazy_sync;	/* omi.boot matches this boot */
	struct change	*changes;
	size_t		 nchanges;
	sigset_t	 oldmask;
	int		 masked;
};

static void
on_alarm(int sig)
{
	(void)sig;
}

static char *
path_in(const char *dir, const char *name)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s/%s", dir, name);
	return buf_take(&b);
}

static enum store_err
errno_to_store(int e)
{
	switch (e) {
	case EACCES: case EPERM: case EROFS:
		return STORE_READONLY;
	case ENOSPC: case EDQUOT:
		return STORE_FULL;
	case ENOMEM:
		return STORE_NOMEM;
	default:
		return STORE_ERROR;
	}
}

static enum store_err
gdbm_to_store(const char *what)
{
	int ge = gdbm_errno, e = errno;

	log_msg("store: %s: %s (errno %d: %s)", what, gdbm_strerror(ge), e,
	    strerror(e));
	if (ge == GDBM_NEED_RECOVERY || ge == GDBM_BAD_FILE_OFFSET ||
	    ge == GDBM_BAD_MAGIC_NUMBER || ge == GDBM_BAD_HEADER ||
	    ge == GDBM_BAD_BUCKET || ge == GDBM_BAD_DIR_ENTRY ||
	    ge == GDBM_BAD_HASH_TABLE)
		return STORE_CORRUPT;
	if (ge == GDBM_MALLOC_ERROR)
		return STORE_NOMEM;
	return errno_to_store(e);
}

/* flock with a deadline: SIGALRM without SA_RESTART interrupts the wait. */
static enum store_err
lock_wait(int fd, int op, int64_t timeout_ms)
{
	struct sigaction	 sa, old;
	struct itimerval	 it = { 0 }, oldit;
	int			 rc, e;

	if (flock(fd, op | LOCK_NB) == 0)
		return STORE_OK;
	if (errno != EWOULDBLOCK)
		return errno_to_store(errno);
	memset(&sa, 0, sizeof(sa));
	memset(&it, 0, sizeof(it));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	it.it_value.tv_sec = timeout_ms / 1000;
	it.it_value.tv_usec = (timeout_ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, &oldit);
	rc = flock(fd, op);
	e = errno;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (rc == 0)
		return STORE_OK;
	return e == EINTR ? STORE_BUSY : errno_to_store(e);
}

static void
block_signals(struct store *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGXCPU);
	if (sigprocmask(SIG_BLOCK, &set, &s->oldmask) == 0)
		s->masked = 1;
}

static void
unblock_signals(struct store *s)
{
	if (s->masked)
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	s->masked = 0;
}

static enum store_err
db_open(struct store *s, const char *path, int write)
{
	int flags = (write ? GDBM_WRCREAT : GDBM_READER) | GDBM_NOLOCK |
	    GDBM_CLOEXEC | GDBM_NOMMAP;

	s->db = gdbm_open(path, 0, flags, 0600, NULL);
	if (s->db == NULL) {
		if (!write && gdbm_errno == GDBM_FILE_OPEN_ERROR &&
		    errno == ENOENT)
			return STORE_OK;	/* nothing stored yet */
		return gdbm_to_store("open");
	}
	return STORE_OK;
}

/* Journal --------------------------------------------------------------- */

static int
put_u32(struct buf *b, uint32_t v)
{
	unsigned char le[4] = { v, v >> 8, v >> 16, v >> 24 };

	return buf_append(b, le, 4);
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/* Serialises the queued changes as one journal record. */
static int
journal_record(const struct store *s, struct buf *rec)
{
	struct buf	 pay = { 0 };
	unsigned char	 sum[16], len[8];
	uint64_t	 n;
	size_t		 i;
	int		 k;

	for (i = 0; i < s->nchanges; i++) {
		const struct change *c = &s->changes[i];
		buf_putc(&pay, c->val ? 'P' : 'D');
		put_u32(&pay, (uint32_t)strlen(c->key));
		buf_puts(&pay, c->key);
		if (c->val) {
			put_u32(&pay, (uint32_t)c->len);
			buf_append(&pay, c->val, c->len);
		}
	}
	if (pay.failed) {
		buf_free(&pay);
		return -1;
	}
	crypto_generichash(sum, sizeof(sum), (unsigned char *)pay.data,
	    pay.len, NULL, 0);
	n = pay.len;
	for (k = 0; k < 8; k++)
		len[k] = (unsigned char)(n >> (8 * k));
	buf_append(rec, JOURNAL_MAGIC, 4);
	buf_append(rec, len, 8);
	buf_append(rec, sum, 16);
	buf_append(rec, pay.data, pay.len);
	buf_append(rec, len, 8);
	buf_putc(rec, '0');
	buf_free(&pay);
	return rec->failed ? -1 : 0;
}

/* Applies one record's payload to the open database. */
static enum store_err
journal_apply(GDBM_FILE db, const unsigned char *p, size_t n)
{
	size_t	 off = 0;
	uint32_t klen, vlen;
	datum	 k, v;
	char	 op;

	while (off < n) {
		if (n - off < 5)
			return STORE_CORRUPT;
		op = (char)p[off];
		klen = get_u32(p + off + 1);
		off += 5;
		if (n - off < klen)
			return STORE_CORRUPT;
		k.dptr = (char *)p + off;
		k.dsize = (int)klen;
		off += klen;
		if (op == 'P') {
			if (n - off < 4)
				return STORE_CORRUPT;
			vlen = get_u32(p + off);
			off += 4;
			if (n - off < vlen)
				return STORE_CORRUPT;
			v.dptr = (char *)p + off;
			v.dsize = (int)vlen;
			off += vlen;
			if (gdbm_store(db, k, v, GDBM_REPLACE) != 0)
				return gdbm_to_store("replay store");
		} else if (op == 'D') {
			if (gdbm_delete(db, k) != 0 &&
			    gdbm_errno != GDBM_ITEM_NOT_FOUND)
				return gdbm_to_store("replay delete");
		} else
			return STORE_CORRUPT;
	}
	return STORE_OK;
}

static int
copy_file(const char *from, const char *to)
{
	char	 chunk[65536];
	ssize_t	 n = 0;
	int	 in, out, rc = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		if (write(out, chunk, (size_t)n) != n)
			break;
	if (n == 0 && fsync(out) == 0)
		rc = 0;
	if (close(out) == -1)
		rc = -1;
	close(in);
	return rc;
}

static void
sync_dir(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * Checks the journal's tail. Returns 0 when clean (empty, or the last
 * record applied), 1 when a record is unapplied or torn, -1 on error.
 * Readers look at the state byte only: a torn record was never applied to
 * GDBM, so reading is safe even when its last byte happens to be 'A'.
 * Writers (full) also verify the last record's framing and checksum before
 * they append behind it, so a torn record can never hide later ones.
 */
static int
journal_dirty(const char *dir, int full)
{
	struct stat	 st;
	unsigned char	 tail[JOURNAL_TRAILER], sum[16], *rec = NULL;
	uint64_t	 plen;
	char		*path;
	int		 fd, rc = -1;

	if ((path = path_in(dir, "omi.journal")) == NULL)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (st.st_size == 0) {
		rc = 0;
		goto out;
	}
	if ((size_t)st.st_size < JOURNAL_HDR + JOURNAL_TRAILER) {
		rc = 1;
		goto out;
	}
	if (pread(fd, tail, sizeof(tail), st.st_size - (off_t)sizeof(tail)) !=
	    (ssize_t)sizeof(tail))
		goto out;
	if (tail[JOURNAL_TRAILER - 1] != 'A' || !full) {
		rc = tail[JOURNAL_TRAILER - 1] != 'A';
		goto out;
	}
	plen = get_u64(tail);
	rc = 1;
	if (plen > (uint64_t)st.st_size - JOURNAL_HDR - JOURNAL_TRAILER ||
	    (rec = malloc(JOURNAL_HDR + plen)) == NULL)
		goto out;
	if (pread(fd, rec, JOURNAL_HDR + plen, st.st_size -
	    (off_t)(JOURNAL_HDR + plen + JOURNAL_TRAILER)) !=
	    (ssize_t)(JOURNAL_HDR + plen))
		goto out;
	crypto_generichash(sum, sizeof(sum), rec + JOURNAL_HDR, plen, NULL, 0);
	if (memcmp(rec, JOURNAL_MAGIC, 4) == 0 && get_u64(rec + 4) == plen &&
	    sodium_memcmp(sum, rec + 12, 16) == 0)
		rc = 0;
out:
	free(rec);
	close(fd);
	return rc;
}

/*
 * Rebuilds omi.db from omi.snap and the journal's complete records, then
 * checkpoints. Runs under the exclusive lock with no database open.
 */
static enum store_err
recover(const char *dir)
{
	struct buf	 j = { 0 };
	char		*jpath, *snap, *dbp, *tmp, *bad;
	GDBM_FILE	 db = NULL;
	size_t		 off = 0, records = 0;
	uint64_t	 plen;
	unsigned char	 sum[16];
	enum store_err	 err = STORE_ERROR;
	int		 fd;

	jpath = path_in(dir, "omi.journal");
	snap = path_in(dir, "omi.snap");
	dbp = path_in(dir, "omi.db");
	tmp = path_in(dir, "omi.db.rebuild");
	bad = path_in(dir, "omi.db.damaged");
	if (!jpath || !snap || !dbp || !tmp || !bad ||
	    (buf_read_file(&j, jpath) == -1 && errno != ENOENT))
		goto out;
	(void)unlink(tmp);
	if (access(snap, F_OK) == 0 && copy_file(snap, tmp) == -1) {
		err = errno_to_store(errno);
		goto out;
	}
	db = gdbm_open(tmp, 0, GDBM_WRCREAT | GDBM_NOLOCK | GDBM_CLOEXEC,
	    0600, NULL);
	if (db == NULL) {
		err = gdbm_to_store("recover open");
		goto out;
	}
	while (j.len - off >= JOURNAL_HDR + JOURNAL_TRAILER &&
	    memcmp(j.data + off, JOURNAL_MAGIC, 4) == 0) {
		const unsigned char *p = (unsigned char *)j.data + off;
		plen = get_u64(p + 4);
		if (plen > j.len - off - JOURNAL_HDR - JOURNAL_TRAILER)
			break;			/* torn: never acknowledged */
		crypto_generichash(sum, sizeof(sum), p + JOURNAL_HDR, plen,
		    NULL, 0);
		if (sodium_memcmp(sum, p + 12, 16) != 0)
			break;
		if ((err = journal_apply(db, p + JOURNAL_HDR, plen)) != STORE_OK)
			goto out;
		off += JOURNAL_HDR + plen + JOURNAL_TRAILER;
		records++;
	}
	if (gdbm_sync(db) != 0) {
		err = gdbm_to_store("recover sync");
		goto out;
	}
	gdbm_close(db);
	db = NULL;
	(void)rename(dbp, bad);
	if (rename(tmp, dbp) == -1 || copy_file(dbp, tmp) == -1 ||
	    rename(tmp, snap) == -1) {
		err = errno_to_store(errno);
		goto out;
	}
	sync_dir(dir);
	if ((fd = open(jpath, O_WRONLY | O_TRUNC | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	log_msg("store: recovered the database from the snapshot and %zu "
	    "journal records (%zu bytes of torn tail dropped)", records,
	    j.len - off);
	err = STORE_OK;
out:
	if (db != NULL)
		gdbm_close(db);
	buf_free(&j);
	free(jpath);
	free(snap);
	free(dbp);
	free(tmp);
	free(bad);
	return err;
}

/* Copies the synced database to omi.snap and empties the journal. */
static void
checkpoint(struct store *s)
{
	struct stat	 jst, dst;
	char		*jpath, *dbp, *snap, *tmp;
	int		 fd;

	jpath = path_in(s->dir, "omi.journal");
	dbp = path_in(s->dir, "omi.db");
	snap = path_in(s->dir, "omi.snap");
	tmp = path_in(s->dir, "omi.snap.tmp");
	if (!jpath || !dbp || !snap || !tmp || stat(jpath, &jst) == -1 ||
	    stat(dbp, &dst) == -1)
		goto out;
	if ((uint64_t)jst.st_size < CHECKPOINT_MIN || jst.st_size < dst.st_size)
		goto out;
	if (copy_file(dbp, tmp) == -1 || rename(tmp, snap) == -1) {
		log_msg("store: checkpoint failed: %s", strerror(errno));
		(void)unlink(tmp);
		goto out;
	}
	sync_dir(s->dir);
	if ((fd = open(jpath, O_WRONLY | O_TRUNC | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
out:
	free(jpath);
	free(dbp);
	free(snap);
	free(tmp);
}

/* Sessions -------------------------------------------------------------- */

static enum store_err
take_lock(struct store *s, int op, int64_t timeout_ms)
{
	char *path = path_in(s->dir, "omi.lock");

	if (path == NULL)
		return STORE_NOMEM;
	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	/* A read-only data directory still allows shared locks for readers. */
	if (s->lockfd == -1 && op == LOCK_SH)
		s->lockfd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (s->lockfd == -1) {
		log_msg("store: lock file: %s", strerror(errno));
		return errno_to_store(errno);
	}
	return lock_wait(s->lockfd, op, timeout_ms);
}

/* The kernel's id of this boot; 0, or -1 where there is none. */
static int
boot_id(char *out, size_t n)
{
	ssize_t	 r;
	int	 fd;

	if ((fd = open("/proc/sys/kernel/random/boot_id",
	    O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = read(fd, out, n - 1);
	close(fd);
	if (r < 8)
		return -1;
	out[r] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* Compares omi.boot with cur: 0 the same, 1 different, 2 missing. */
static int
boot_changed(const char *dir, const char *cur)
{
	char	 rec[64], *path;
	ssize_t	 r;
	int	 fd;

	if ((path = path_in(dir, "omi.boot")) == NULL)
		return 1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return errno == ENOENT ? 2 : 1;
	r = read(fd, rec, sizeof(rec) - 1);
	close(fd);
	if (r < 0)
		return 1;
	rec[r] = '\0';
	return strcmp(rec, cur) != 0;
}

/* Makes the database durable as it is, then records this boot. */
static int
boot_record(const char *dir, const char *cur)
{
	char	*path = path_in(dir, "omi.boot"), *tmp = path_in(dir, ".omi.boot");
	char	*dbp = path_in(dir, "omi.db");
	int	 fd, rc = -1;

	if (path == NULL || tmp == NULL || dbp == NULL)
		goto out;
	if ((fd = open(dbp, O_RDONLY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		goto out;
	if (write(fd, cur, strlen(cur)) == (ssize_t)strlen(cur) &&
	    fsync(fd) == 0 && close(fd) == 0 && rename(tmp, path) == 0) {
		sync_dir(dir);
		rc = 0;
	} else
		(void)unlink(tmp);
out:
	free(path);
	free(tmp);
	free(dbp);
	return rc;
}

/*
 * Before a session reads or writes: repairs the database when a writer died
 * inside a commit (the journal's last record is unapplied or torn) or the
 * machine rebooted since the last commits (unsynced GDBM writes may be
 * lost). Recovery needs the exclusive lock, so a reader trades for it.
 */
static enum store_err
ensure_clean(struct store *s, int64_t timeout_ms)
{
	enum store_err	 err = STORE_OK;
	char		 cur[64];
	int		 d, b = 2, have_boot;

	have_boot = boot_id(cur, sizeof(cur)) == 0;
	d = journal_dirty(s->dir, s->mode == STORE_WRITE);
	if (have_boot)
		b = boot_changed(s->dir, cur);
	if (d == -1)
		return errno_to_store(errno);
	if (d == 0 && b != 1) {
		if (b == 0)
			s->lazy_sync = 1;
		else if (have_boot && s->mode == STORE_WRITE &&
		    boot_record(s->dir, cur) == 0)
			s->lazy_sync = 1;
		return STORE_OK;
	}
	if (s->mode == STORE_READ) {
		flock(s->lockfd, LOCK_UN);
		if ((err = lock_wait(s->lockfd, LOCK_EX, timeout_ms)) != STORE_OK)
			return err;
	}
	d = journal_dirty(s->dir, 1);
	if (have_boot)
		b = boot_changed(s->dir, cur);
	if (d == 1 || b == 1)
		err = recover(s->dir);
	else if (d == -1)
		err = errno_to_store(errno);
	if (err == STORE_OK && have_boot && b != 0 &&
	    boot_record(s->dir, cur) == 0)
		b = 0;
	if (err == STORE_OK && b == 0)
		s->lazy_sync = 1;
	if (s->mode == STORE_READ) {
		flock(s->lockfd, LOCK_UN);
		/*
		 * Recovery needs space and a writable directory. Without them,
		 * readers still read what the database holds (a full disk makes
		 * GDBM fail cleanly, not scribble); writers wait for the fix.
		 */
		if (err == STORE_FULL || err == STORE_READONLY) {
			log_msg("store: recovery postponed (%s); reading as is",
			    store_strerror(err));
			err = STORE_OK;
		}
		if (err == STORE_OK)
			err = lock_wait(s->lockfd, LOCK_SH, timeout_ms);
	}
	return err;
}

enum store_err
store_open(struct store **out, const char *datadir, enum store_mode mode,
    int64_t timeout_ms)
{
	struct store	*s;
	char		*dbp = NULL;
	enum store_err	 err;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return STORE_NOMEM;
	s->lockfd = -1;
	s->mode = mode;
	if ((s->dir = strdup(datadir)) == NULL ||
	    (dbp = path_in(datadir, "omi.db")) == NULL) {
		err = STORE_NOMEM;
		goto fail;
	}
	if ((err = take_lock(s, mode == STORE_WRITE ? LOCK_EX : LOCK_SH,
	    timeout_ms)) != STORE_OK)
		goto fail;
	if ((err = ensure_clean(s, timeout_ms)) != STORE_OK)
		goto fail;
	if ((err = db_open(s, dbp, mode == STORE_WRITE)) != STORE_OK)
		goto fail;
	s->dbpath = dbp;
	*out = s;
	return STORE_OK;
fail:
	if (err == STORE_BUSY)
		log_msg("store: lock not free within %lld ms",
		    (long long)timeout_ms);
	free(dbp);
	store_close(s);
	return err;
}

static struct change *
find_change(struct store *s, const char *key)
{
	size_t i;

	for (i = s->nchanges; i > 0; i--)
		if (strcmp(s->changes[i - 1].key, key) == 0)
			return &s->changes[i - 1];
	return NULL;
}

enum store_err
store_get(struct store *s, const char *key, char **val, size_t *len)
{
	struct change	*c;
	datum		 k, v;

	*val = NULL;
	if (len)
		*len = 0;
	if ((c = find_change(s, key)) != NULL) {
		if (c->val == NULL)
			return STORE_NOTFOUND;
		if ((*val = malloc(c->len + 1)) == NULL)
			return STORE_NOMEM;
		memcpy(*val, c->val, c->len);
		(*val)[c->len] = '\0';
		if (len)
			*len = c->len;
		return STORE_OK;
	}
	if (s->db == NULL)
		return STORE_NOTFOUND;
	k.dptr = (char *)key;
	k.dsize = (int)strlen(key);
	v = gdbm_fetch(s->db, k);
	if (v.dptr == NULL)
		return gdbm_errno == GDBM_ITEM_NOT_FOUND ? STORE_NOTFOUND :
		    gdbm_to_store("fetch");
	if ((*val = realloc(v.dptr, (size_t)v.dsize + 1)) == NULL) {
		free(v.dptr);
		return STORE_NOMEM;
	}
	(*val)[v.dsize] = '\0';
	if (len)
		*len = (size_t)v.dsize;
	return STORE_OK;
}

static enum store_err
queue(struct store *s, const char *key, const void *val, size_t len)
{
	struct change	*c, *nv;
	char		*k, *v = NULL;

	if (s->mode != STORE_WRITE)
		return STORE_ERROR;
	if (len > INT32_MAX)
		return STORE_ERROR;
	if ((k = strdup(key)) == NULL ||
	    (val != NULL && (v = malloc(len ? len : 1)) == NULL)) {
		free(k);
		return STORE_NOMEM;
	}
	if (val != NULL && len > 0)
		memcpy(v, val, len);
	if ((c = find_change(s, key)) != NULL) {
		free(c->key);
		free(c->val);
	} else {
		nv = reallocarray(s->changes, s->nchanges + 1, sizeof(*nv));
		if (nv == NULL) {
			free(k);
			free(v);
			return STORE_NOMEM;
		}
		s->changes = nv;
		c = &s->changes[s->nchanges++];
	}
	c->key = k;
	c->val = v;
	c->len = len;
	return STORE_OK;
}

enum store_err
store_put(struct store *s, const char *key, const void *val, size_t len)
{
	return queue(s, key, val, len);
}

enum store_err
store_del(struct store *s, const char *key)
{
	return queue(s, key, NULL, 0);
}

static void
drop_changes(struct store *s)
{
	size_t i;

	for (i = 0; i < s->nchanges; i++) {
		free(s->changes[i].key);
		free(s->changes[i].val);
	}
	free(s->changes);
	s->changes = NULL;
	s->nchanges = 0;
}

static enum store_err
journal_append(struct store *s, int *jfd, off_t *start, off_t *at)
{
	struct buf	 rec = { 0 };
	char		*path;
	ssize_t		 w;
	enum store_err	 err = STORE_OK;

	if ((path = path_in(s->dir, "omi.journal")) == NULL ||
	    journal_record(s, &rec) == -1) {
		free(path);
		buf_free(&rec);
		return STORE_NOMEM;
	}
	/* Not O_APPEND: pwrite must be able to set the state byte in place. */
	*jfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (*jfd == -1 || (*at = lseek(*jfd, 0, SEEK_END)) == -1) {
		err = errno_to_store(errno);
		goto out;
	}
#ifdef OMI_TEST_HOOKS
	if (getenv("HTTP_X_OMI_TEST_CRASH") != NULL &&
	    strcmp(getenv("HTTP_X_OMI_TEST_CRASH"), "journal") == 0) {
		(void)!pwrite(*jfd, rec.data, rec.len / 2, *at);
		crash_point("journal", NULL);
	}
#endif
	w = pwrite(*jfd, rec.data, rec.len, *at);
	if (w != (ssize_t)rec.len || fdatasync(*jfd) == -1) {
		err = errno_to_store(w == -1 || w == (ssize_t)rec.len ?
		    errno : ENOSPC);
		/* Cut the partial record so the journal stays clean. */
		(void)!ftruncate(*jfd, *at);
		log_msg("store: journal write: %s", store_strerror(err));
	}
	*start = *at;
	*at += (off_t)rec.len - 1;	/* the state byte */
out:
	buf_free(&rec);
	return err;
}

/* Applies changes [0, n) to db; *done says how many went through. */
static enum store_err
apply_changes(GDBM_FILE db, const struct change *c, size_t n, size_t *done,
    const char *dbpath)
{
	datum	 k, v;
	size_t	 i;

	(void)dbpath;		/* used by the test build's crash points only */
	for (i = 0, *done = 0; i < n; i++, (*done)++) {
		if (i == 1) {
			crash_point("apply", NULL);
			crash_point("apply-torn", dbpath);
		}
		k.dptr = c[i].key;
		k.dsize = (int)strlen(c[i].key);
		if (c[i].val != NULL) {
			v.dptr = c[i].val;
			v.dsize = (int)c[i].len;
			if (gdbm_store(db, k, v, GDBM_REPLACE) != 0)
				return gdbm_to_store("store");
		} else if (gdbm_delete(db, k) != 0 &&
		    gdbm_errno != GDBM_ITEM_NOT_FOUND)
			return gdbm_to_store("delete");
	}
	return STORE_OK;
}

/*
 * GDBM can damage its file when a write hits a full disk, so a commit first
 * makes sure the file system has room for the journal record, the GDBM
 * update (the data again plus bucket splits and directory growth) and a
 * margin, and refuses cleanly, touching nothing, when it has not.
 */
static enum store_err
check_space(struct store *s)
{
	struct statvfs	 vfs;
	struct stat	 st;
	uint64_t	 need = 1u << 20, avail;
	size_t		 i;

	for (i = 0; i < s->nchanges; i++)
		need += 2 * (strlen(s->changes[i].key) + s->changes[i].len) + 64;
	if (fstat(gdbm_fdesc(s->db), &st) == 0)
		need += (uint64_t)st.st_size / 8;
	if (fstatvfs(s->lockfd, &vfs) == -1)
		return STORE_OK;	/* unknown: let the writes tell */
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (avail >= need)
		return STORE_OK;
	log_msg("store: %llu bytes free, a commit needs %llu: refused",
	    (unsigned long long)avail, (unsigned long long)need);
	return STORE_FULL;
}

enum store_err
store_commit(struct store *s)
{
	enum store_err	 err;
	size_t		 done = 0;
	off_t		 mark = 0, start = 0;
	int		 jfd = -1;

	if (s->mode != STORE_WRITE || s->nchanges == 0)
		return STORE_OK;
	if ((err = check_space(s)) != STORE_OK)
		return err;
	block_signals(s);
	if ((err = journal_append(s, &jfd, &start, &mark)) != STORE_OK)
		goto out;
	/*
	 * From here until the mark, a death leaves the record unapplied. A
	 * write error (a full disk) leaves it unapplied too: GDBM may have
	 * half-written the file, so the next session rebuilds it.
	 */
	err = apply_changes(s->db, s->changes, s->nchanges, &done, s->dbpath);
	if (err == STORE_OK && !s->lazy_sync && gdbm_sync(s->db) != 0)
		err = gdbm_to_store("sync");
	if (err != STORE_OK)
		goto out;
	crash_point("mark", NULL);
	if (pwrite(jfd, "A", 1, mark) != 1) {
		err = errno_to_store(errno);
		goto out;
	}
	drop_changes(s);
	checkpoint(s);
out:
	if (jfd != -1)
		close(jfd);
	unblock_signals(s);
	return err;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL)
		gdbm_close(s->db);
	drop_changes(s);
	if (s->lockfd != -1)
		close(s->lockfd);	/* releases the flock */
	unblock_signals(s);
	free(s->dbpath);
	free(s->dir);
	free(s);
}

enum store_err
store_foreach(struct store *s, const char *prefix,
    int (*fn)(void *, const char *), void *ctx)
{
	datum	 k, next;
	size_t	 plen = strlen(prefix);
	char	*key;
	int	 stop = 0;

	if (s->db == NULL)
		return STORE_OK;
	k = gdbm_firstkey(s->db);
	while (k.dptr != NULL && !stop) {
		if ((size_t)k.dsize >= plen &&
		    memcmp(k.dptr, prefix, plen) == 0) {
			if ((key = strndup(k.dptr, (size_t)k.dsize)) == NULL) {
				free(k.dptr);
				return STORE_NOMEM;
			}
			stop = fn(ctx, key);
			free(key);
		}
		next = gdbm_nextkey(s->db, k);
		free(k.dptr);
		k = next;
	}
	free(k.dptr);
	if (!stop && gdbm_errno != GDBM_ITEM_NOT_FOUND && gdbm_errno != 0)
		return gdbm_to_store("iterate");
	return STORE_OK;
}

int
store_http_status(enum store_err e)
{
	switch (e) {
	case STORE_OK:
		return 200;
	case STORE_NOTFOUND:
		return 404;
	case STORE_FULL:
		return 507;
	case STORE_NOMEM:
		return 500;
	default:
		return 503;
	}
}

const char *
store_strerror(enum store_err e)
{
	static const char *text[] = {
		"ok", "not found", "busy (lock timeout)", "read-only",
		"no space left", "needs recovery", "out of memory", "I/O error"
	};

	return (unsigned)e < sizeof(text) / sizeof(text[0]) ? text[e] :
	    "unknown";
}
