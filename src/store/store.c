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
 * checksum), applies the changes to GDBM and marks the record applied (its
 * last byte becomes 'A'), releases the lock, and only then fdatasync()s the
 * journal: the caller answers after that sync, so an acknowledged change is
 * on disk, while the lock is held for no disk wait at all, and writers that
 * finish together share one sync (group commit, see journal.c). GDBM
 * itself is never synced: the journal holds every change, and unsynced
 * page-cache writes survive anything but a reboot. The boot id in omi.boot
 * catches those: a session that finds a different boot id rebuilds the
 * database as below. (Where no boot id can be read, every commit syncs the
 * journal before it touches GDBM and GDBM after, all under the lock.)
 * Catchable signals are blocked while GDBM is being changed. A session that
 * finds the last record unapplied knows a writer died inside that window;
 * under the exclusive lock it rebuilds omi.db from the snapshot and the
 * journal. A torn last record was never acknowledged, and GDBM was not yet
 * touched for it, so it is cut off; so is one whose commit failed and was
 * answered with an error (marked 'X'). When the journal outgrows the database
 * a checkpoint makes omi.db the new omi.snap and starts the journal again,
 * syncing its copy with no lock held (journal.c).
 *
 * Changes are queued in memory until commit, so a session is all or nothing
 * and a get sees the session's own earlier puts. The journal's format,
 * recovery, checkpoints and group commit live in journal.c.
 */
#include <sys/file.h>
#include <sys/mman.h>
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

#include "lib/log.h"
#include "lib/util.h"
#include "store/store-impl.h"

/*
 * Crash points for the reliability tests, compiled only into the test
 * (sanitizer) build: a request header X-Omi-Test-Crash names the point at
 * which the writer kills itself with SIGKILL, as a host's limits would.
 */
#ifdef OMI_TEST_HOOKS
void
store_crash_point(const char *where, const char *dbpath)
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

/*
 * A pause for the unit tests, which need another process to act between
 * two steps: with OMI_TEST_PAUSE=DIR, a process at point P creates
 * DIR/P.paused and waits (up to 30 s) for DIR/P.go.
 */
void
store_pause_point(const char *where)
{
	const char	*d = getenv("OMI_TEST_PAUSE");
	char		 p[512];
	int		 fd, i;

	if (d == NULL)
		return;
	snprintf(p, sizeof(p), "%s/%s.paused", d, where);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) != -1)
		close(fd);
	snprintf(p, sizeof(p), "%s/%s.go", d, where);
	for (i = 0; i < 3000 && access(p, F_OK) == -1; i++)
		usleep(10000);
}
#endif

static volatile sig_atomic_t alarm_fired;

static void
on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

char *
store_path(const char *dir, const char *name)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s/%s", dir, name);
	return buf_take(&b);
}

enum store_err
store_errno(int e)
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

enum store_err
store_gdbm_error(const char *what)
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
	return store_errno(e);
}

/*
 * flock with a deadline: SIGALRM without SA_RESTART interrupts the wait.
 * Another signal interrupts it too (a FastCGI manager's SIGTERM at a stop:
 * the request in hand should still be served), so the wait goes on until
 * the alarm itself has come; after the deadline it repeats, so that a wait
 * entered just after it cannot block for good.
 */
static enum store_err
lock_wait(int fd, int op, int64_t timeout_ms)
{
	struct sigaction	 sa, old;
	struct itimerval	 it = { 0 }, oldit;
	int			 rc, e;

	if (flock(fd, op | LOCK_NB) == 0)
		return STORE_OK;
	if (errno != EWOULDBLOCK)
		return store_errno(errno);
	memset(&sa, 0, sizeof(sa));
	memset(&it, 0, sizeof(it));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	it.it_value.tv_sec = timeout_ms / 1000;
	it.it_value.tv_usec = (timeout_ms % 1000) * 1000;
	it.it_interval.tv_usec = 50000;
	alarm_fired = 0;
	setitimer(ITIMER_REAL, &it, &oldit);
	do {
		rc = flock(fd, op);
		e = errno;
	} while (rc == -1 && e == EINTR && !alarm_fired);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	if (rc == 0)
		return STORE_OK;
	return e == EINTR ? STORE_BUSY : store_errno(e);
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

/*
 * gdbm_close() fsyncs a writer's file, and nothing in GDBM's API skips it.
 * That sync is a wasted disk wait under the lock when the journal is the
 * durable copy, so before closing, the descriptor is pointed at an empty
 * memory file (whose fsync is free): every GDBM write has reached the real
 * file by then, since gdbm_store() and gdbm_delete() write through before
 * they return. Falls back to a plain close when no memory file can be made.
 */
void
store_db_close_unsynced(GDBM_FILE db)
{
	static int	 nosync = -1;

	if (nosync == -1)
		nosync = memfd_create("omi-gdbm-close", MFD_CLOEXEC);
	if (nosync != -1)
		(void)dup2(nosync, gdbm_fdesc(db));
	gdbm_close(db);
}

/*
 * GDBM 1.23 (Debian 12's) refuses to open a database whose hash directory
 * ends exactly at the end of the file: its header check wants dir +
 * dir_size < file size, "Malformed database file header". Yet it writes
 * such files itself, when a growing directory goes to the end of the file
 * and the next allocations come from free space inside it; every later
 * open, and so every request, then fails. Seen under the bench's webhook
 * load. The file is sound: one block more at its end, with the header's
 * next free block after it, satisfies the check (GDBM never uses that
 * block; later files grow past it). The header fields are GDBM's standard
 * layout in native byte order, as the magic number confirms. Writing
 * next_block first keeps an interrupted fix fixable: a next_block past the
 * end of the file is one GDBM accepts.
 */
static int
gdbm_dir_fix(const char *path)
{
	unsigned char	 h[40];
	struct stat	 st;
	uint64_t	 dir, next, end;
	uint32_t	 magic, bsize, dsize;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || pread(fd, h, sizeof(h), 0) !=
	    (ssize_t)sizeof(h))
		goto out;
	memcpy(&magic, h, 4);
	memcpy(&bsize, h + 4, 4);
	memcpy(&dir, h + 8, 8);
	memcpy(&dsize, h + 16, 4);
	memcpy(&next, h + 32, 8);
	end = (uint64_t)st.st_size;
	if (magic != 0x13579acf || bsize < 512 || bsize > (1u << 20) ||
	    dir + dsize != end || next < end)
		goto out;
	next = end + bsize;
	if (pwrite(fd, &next, 8, 32) == 8 && ftruncate(fd, (off_t)next) == 0 &&
	    fsync(fd) == 0) {
		log_msg("store: %s: moved the end of the file past GDBM's "
		    "directory (GDBM 1.23 refuses a directory at the very "
		    "end)", path);
		rc = 0;
	}
out:
	close(fd);
	return rc;
}

/*
 * gdbm_open() on a descriptor opened here with O_NOFOLLOW: a symbolic link
 * planted in the data directory under a database's name is refused (ELOOP)
 * instead of having GDBM create, truncate or write the file it points to.
 */
static GDBM_FILE
gdbm_open_nofollow(const char *path, int flags)
{
	int	 fd, e;

	fd = open(path, ((flags & GDBM_OPENMASK) == GDBM_READER ? O_RDONLY :
	    O_RDWR | O_CREAT) | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		e = errno;
		gdbm_errno = GDBM_FILE_OPEN_ERROR;
		errno = e;
		return NULL;
	}
	return gdbm_fd_open(fd, path, 0, flags | GDBM_CLOERROR, NULL);
}

GDBM_FILE
store_gdbm_open(const char *path, int flags)
{
	GDBM_FILE	 db;
	int		 on = 1;

	db = gdbm_open_nofollow(path, flags);
	if (db == NULL && gdbm_errno == GDBM_BAD_HEADER &&
	    gdbm_dir_fix(path) == 0)
		db = gdbm_open_nofollow(path, flags);
	/*
	 * Index pages and heads are rewritten a little larger each time, and
	 * GDBM does not merge neighbouring free blocks unless asked: without
	 * it the bench's file grew to 290 MB in a webhook run, with it 221 MB
	 * (the same deliveries, about 185 MB of data).
	 */
	if (db != NULL && (flags & GDBM_OPENMASK) != GDBM_READER)
		(void)gdbm_setopt(db, GDBM_SETCOALESCEBLKS, &on, sizeof(on));
	return db;
}

static enum store_err
db_open(struct store *s, const char *path, int write)
{
	int flags = (write ? GDBM_WRCREAT : GDBM_READER) | GDBM_NOLOCK |
	    GDBM_CLOEXEC | GDBM_NOMMAP;

	s->db = store_gdbm_open(path, flags);
	if (s->db == NULL) {
		if (!write && gdbm_errno == GDBM_FILE_OPEN_ERROR &&
		    errno == ENOENT)
			return STORE_OK;	/* nothing stored yet */
		return store_gdbm_error("open");
	}
	return STORE_OK;
}

/* Sessions -------------------------------------------------------------- */

/*
 * Opens and locks omi.lock. A lock on a file that is no longer the one at
 * that path (removed or replaced while we waited) excludes nobody: the next
 * process locks the new file. So the lock is checked and taken again.
 */
static enum store_err
take_lock(struct store *s, int op, int64_t timeout_ms)
{
	struct stat	 held, now;
	char		*path = store_path(s->dir, "omi.lock");
	enum store_err	 err;
	int		 tries;

	if (path == NULL)
		return STORE_NOMEM;
	for (tries = 0; ; tries++) {
		s->lockfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		/* A read-only data directory still allows shared locks. */
		if (s->lockfd == -1 && errno != ELOOP && op == LOCK_SH)
			s->lockfd = open(path, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (s->lockfd == -1) {
			log_msg("store: lock file: %s", strerror(errno));
			err = store_errno(errno);
			break;
		}
		if ((err = lock_wait(s->lockfd, op, timeout_ms)) != STORE_OK)
			break;
		if (tries == 3 || (fstat(s->lockfd, &held) == 0 &&
		    stat(path, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino))
			break;
		close(s->lockfd);
		s->lockfd = -1;
	}
	free(path);
	return err;
}

/*
 * Under the exclusive lock: rebuilds omi.db when the journal's last record
 * is unapplied or torn or the boot changed (cur: this boot's id, or NULL
 * where there is none), then records this boot.
 */
static enum store_err
repair(struct store *s, const char *cur)
{
	enum store_err	 err = STORE_OK;
	int		 d, b = 2;

	d = journal_dirty(s->dir, 1);
	if (cur != NULL)
		b = journal_boot_changed(s->dir, cur);
	if (d == 1 || b == 1)
		err = journal_recover(s->dir);
	else if (d == -1)
		err = store_errno(errno);
	if (err == STORE_OK && cur != NULL && b != 0 &&
	    journal_boot_record(s->dir, cur) == 0)
		b = 0;
	if (err == STORE_OK && b == 0)
		s->lazy_sync = 1;
	return err;
}

/*
 * Before a session reads or writes: repairs the database when a writer died
 * inside a commit (the journal's last record is unapplied or torn) or the
 * machine rebooted since the last commits (unsynced GDBM writes may be
 * lost). Recovery needs the exclusive lock, so a reader trades for it, and
 * looks again once it has its shared lock back: a writer may have died in
 * between.
 */
static enum store_err
ensure_clean(struct store *s, int64_t timeout_ms)
{
	enum store_err	 err = STORE_OK;
	char		 cur[64];
	int		 d, b = 2, have_boot, tries;

	have_boot = journal_boot_id(cur, sizeof(cur)) == 0;
	for (tries = 0; ; tries++) {
		d = journal_dirty(s->dir, s->mode == STORE_WRITE);
		if (have_boot)
			b = journal_boot_changed(s->dir, cur);
		if (d == -1)
			return store_errno(errno);
		if (d == 0 && b != 1) {
			if (b == 0)
				s->lazy_sync = 1;
			else if (have_boot && s->mode == STORE_WRITE &&
			    journal_boot_record(s->dir, cur) == 0)
				s->lazy_sync = 1;
			return STORE_OK;
		}
		if (s->mode == STORE_WRITE)
			break;
		if (tries == 3)
			return STORE_BUSY;	/* writers keep dying: later */
		/* A reader: trade the shared lock for the exclusive one. */
		flock(s->lockfd, LOCK_UN);
		if ((err = lock_wait(s->lockfd, LOCK_EX, timeout_ms)) !=
		    STORE_OK)
			return err;
		err = repair(s, have_boot ? cur : NULL);
		flock(s->lockfd, LOCK_UN);
		/*
		 * Recovery needs space and a writable directory. Without
		 * them, readers still read what the database holds (a full
		 * disk makes GDBM fail cleanly, not scribble), unless the
		 * machine rebooted: then GDBM may lack acknowledged changes
		 * (a revoked token), and only the journal has them.
		 */
		if ((err == STORE_FULL || err == STORE_READONLY) && b != 1) {
			log_msg("store: recovery postponed (%s); reading as is",
			    store_strerror(err));
			return lock_wait(s->lockfd, LOCK_SH, timeout_ms);
		}
		if (err != STORE_OK ||
		    (err = lock_wait(s->lockfd, LOCK_SH, timeout_ms)) !=
		    STORE_OK)
			return err;
	}
	return repair(s, have_boot ? cur : NULL);
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
	s->timeout_ms = timeout_ms;
	if ((s->dir = strdup(datadir)) == NULL ||
	    (dbp = store_path(datadir, "omi.db")) == NULL) {
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
	if (s->ended)
		return STORE_ERROR;
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
		    store_gdbm_error("fetch");
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

	if (s->mode != STORE_WRITE || s->ended)
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


/*
 * GDBM leaves a deleted value, and a replaced one of another size, in its
 * free space, where the bytes stay readable until that space is reused (a
 * transcript in the file long after its owner deleted it). A value replaced
 * by one of the same size is overwritten in place (GDBM reuses the record's
 * block), so before a key is deleted or given a value of another size, its
 * stored value is overwritten with zeros of its own size: what GDBM frees
 * then holds nothing. One more read and write of the old value per change,
 * from the page cache.
 */
int
store_gdbm_scrub(GDBM_FILE db, datum k, const char *newval, size_t newlen)
{
	datum	 old, z;
	int	 rc = 0;

	old = gdbm_fetch(db, k);
	if (old.dptr == NULL)
		return gdbm_errno == GDBM_ITEM_NOT_FOUND ? 0 : -1;
	if (newval == NULL || (size_t)old.dsize != newlen) {
		memset(old.dptr, 0, (size_t)old.dsize);
		z.dptr = old.dptr;
		z.dsize = old.dsize;
		rc = gdbm_store(db, k, z, GDBM_REPLACE);
	}
	free(old.dptr);
	return rc;
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
			store_crash_point("apply", NULL);
			store_crash_point("apply-torn", dbpath);
		}
		k.dptr = c[i].key;
		k.dsize = (int)strlen(c[i].key);
		if (store_gdbm_scrub(db, k, c[i].val, c[i].len) != 0)
			return store_gdbm_error("scrub");
		if (c[i].val != NULL) {
			v.dptr = c[i].val;
			v.dsize = (int)c[i].len;
			if (gdbm_store(db, k, v, GDBM_REPLACE) != 0)
				return store_gdbm_error("store");
		} else if (gdbm_delete(db, k) != 0 &&
		    gdbm_errno != GDBM_ITEM_NOT_FOUND)
			return store_gdbm_error("delete");
	}
	return STORE_OK;
}

int
store_free_bytes(int fd, uint64_t *avail)
{
	struct statvfs vfs;

	if (fstatvfs(fd, &vfs) == -1)
		return -1;
	*avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	return 0;
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
	struct stat	 st;
	uint64_t	 need = 1u << 20, avail;
	size_t		 i;

	for (i = 0; i < s->nchanges; i++)
		need += 2 * (strlen(s->changes[i].key) + s->changes[i].len) + 64;
	if (fstat(gdbm_fdesc(s->db), &st) == 0)
		need += (uint64_t)st.st_size / 8;
	if (store_free_bytes(s->lockfd, &avail) == -1)
		return STORE_OK;	/* unknown: let the writes tell */
	if (avail >= need)
		return STORE_OK;
	log_msg("store: %llu bytes free, a commit needs %llu: refused",
	    (unsigned long long)avail, (unsigned long long)need);
	return STORE_FULL;
}

/* Ends the session's hold on the data: closes GDBM, releases the lock. */
static void
release(struct store *s)
{
	if (s->db != NULL) {
		if (s->mode == STORE_WRITE && s->lazy_sync)
			store_db_close_unsynced(s->db);
		else
			gdbm_close(s->db);
		s->db = NULL;
	}
	if (s->lockfd != -1)
		close(s->lockfd);	/* releases the flock */
	s->lockfd = -1;
	s->ended = 1;
}

/*
 * The rest of a checkpoint that the commit began (see journal.c): the copy
 * goes to disk with no lock held, then is installed under the lock again.
 * Its commit is durable already, so a checkpoint that cannot finish only
 * leaves the journal as it was.
 */
static void
checkpoint_finish(struct store *s, struct checkpoint *ck)
{
	int install;

	store_pause_point("checkpoint");
	install = journal_checkpoint_sync(ck) == 0 &&
	    take_lock(s, LOCK_EX, s->timeout_ms) == STORE_OK;
	block_signals(s);
	journal_checkpoint_end(s->dir, ck, install);
	unblock_signals(s);
	if (s->lockfd != -1)
		close(s->lockfd);
	s->lockfd = -1;
}

enum store_err
store_commit(struct store *s)
{
	enum store_err	 err;
	size_t		 done = 0;
	struct checkpoint ck;
	off_t		 mark = 0, start = 0;
	uint64_t	 gen;
	int		 jfd = -1, markfd;

	if (s->ended)
		return STORE_ERROR;
	if (s->mode != STORE_WRITE || s->nchanges == 0)
		return STORE_OK;
	if ((err = check_space(s)) != STORE_OK)
		return err;
	block_signals(s);
	markfd = journal_mark_open(s->dir, &gen);
	if ((err = journal_append(s, &jfd, &start, &mark,
	    !s->lazy_sync)) != STORE_OK) {
		journal_mark_cut(markfd, gen, start);
		goto out;
	}
	/*
	 * From here until the mark, a death leaves the record unapplied. A
	 * write error (a full disk) marks it aborted below: GDBM may have
	 * half-written the file, so the next session rebuilds it, without
	 * the record.
	 */
	err = apply_changes(s->db, s->changes, s->nchanges, &done, s->dbpath);
	if (err == STORE_OK && !s->lazy_sync && gdbm_sync(s->db) != 0)
		err = store_gdbm_error("sync");
	if (err == STORE_OK) {
		store_crash_point("mark", NULL);
		if (pwrite(jfd, "A", 1, mark) != 1)
			err = store_errno(errno);
		else
			journal_mark_good(markfd, gen, mark + 1);
	}
	if (err != STORE_OK) {
		/*
		 * The caller answers with an error, so the rebuild that the
		 * next session runs must not replay the record: a token
		 * endpoint's 503 for a code that the replay then spends would
		 * make the client's retry look like a stolen code. Best
		 * effort: if even this byte cannot be written, it is replayed.
		 */
		(void)!pwrite(jfd, "X", 1, mark);
		goto out;
	}
	drop_changes(s);
	journal_checkpoint_copy(s, mark + 1, gen, &ck);
	unblock_signals(s);
	release(s);
	store_crash_point("sync", NULL);
	if (s->lazy_sync && (err = journal_sync(markfd, jfd, gen,
	    mark + 1)) != STORE_OK)
		log_msg("store: journal sync: %s", store_strerror(err));
	if (ck.fd != -1)
		checkpoint_finish(s, &ck);
out:
	if (jfd != -1)
		close(jfd);
	if (markfd != -1)
		close(markfd);
	unblock_signals(s);
	return err;
}

/*
 * The checkpoint lock: omi.snap.tmp, flocked. A checkpoint holds it from
 * its copy to its end, so taking it waits for one in progress (whose copy
 * may hold anything the compaction is to remove) and keeps new ones out.
 * Taken before the data lock, as a checkpoint's last step takes them, so
 * the two cannot wait for each other. Checked and taken again when the
 * file it locked is no longer the one at that path (a checkpoint renamed
 * or removed it meanwhile).
 */
static int
checkpoint_lock(const char *dir, int64_t timeout_ms, enum store_err *err)
{
	struct stat	 held, now;
	char		*path = store_path(dir, "omi.snap.tmp");
	int		 fd = -1, tries;

	*err = STORE_NOMEM;
	for (tries = 0; path != NULL && tries < 100; tries++) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0600)) == -1) {
			log_msg("store: omi.snap.tmp: %s", strerror(errno));
			*err = store_errno(errno);
			break;
		}
		if ((*err = lock_wait(fd, LOCK_EX, timeout_ms)) != STORE_OK)
			break;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino)
			break;
		close(fd);
		fd = -1;
		*err = STORE_BUSY;
	}
	if (*err != STORE_OK && fd != -1) {
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

enum store_err
store_compact(const char *dir, int64_t timeout_ms)
{
	struct store	*s;
	enum store_err	 err;
	int		 fd;

	if ((fd = checkpoint_lock(dir, timeout_ms, &err)) == -1)
		return err;
	if ((err = store_open(&s, dir, STORE_WRITE, timeout_ms)) == STORE_OK) {
		block_signals(s);
		err = journal_compact(s, fd);
		unblock_signals(s);
		store_close(s);
	}
	close(fd);
	return err;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	release(s);
	drop_changes(s);
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

	if (s->ended)
		return STORE_ERROR;
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
		return store_gdbm_error("iterate");
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
