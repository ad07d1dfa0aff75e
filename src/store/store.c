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
 * answered with an error (marked 'X'). When the journal reaches a quarter of
 * the database, a checkpoint rolls omi.snap forward over it and starts the
 * journal again (journal.c).
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
#include "store/disk.h"
#include "store/store-impl.h"

static volatile sig_atomic_t alarm_fired;

static void
on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

/*
 * flock with a deadline: SIGALRM without SA_RESTART interrupts the wait.
 * Another signal interrupts it too (a FastCGI manager's SIGTERM at a stop:
 * the request in hand should still be served), so the wait goes on until
 * the alarm itself has come; after the deadline it repeats, so that a wait
 * entered just after it cannot block for good.
 */
enum omi_err
lock_wait(int fd, int op, int64_t timeout_ms)
{
	struct sigaction	 sa, old;
	struct itimerval	 it = { 0 }, oldit;
	int			 rc, e;

	if (flock(fd, op | LOCK_NB) == 0)
		return OMI_OK;
	if (errno != EWOULDBLOCK)
		return disk_errno(errno);
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
		return OMI_OK;
	return e == EINTR ? OMI_BUSY : disk_errno(e);
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

static enum omi_err
db_open(struct store *s, const char *path, int write)
{
	int flags = (write ? GDBM_WRCREAT : GDBM_READER) | GDBM_NOLOCK |
	    GDBM_CLOEXEC | GDBM_NOMMAP;

	s->db = disk_gdbm_open(path, flags);
	if (s->db == NULL) {
		if (!write && gdbm_errno == GDBM_FILE_OPEN_ERROR &&
		    errno == ENOENT)
			return OMI_OK;	/* nothing stored yet */
		return disk_gdbm_error("open");
	}
	return OMI_OK;
}

/* Sessions -------------------------------------------------------------- */

/*
 * Opens and locks omi.lock. A lock on a file that is no longer the one at
 * that path (removed or replaced while we waited) excludes nobody: the next
 * process locks the new file. So the lock is checked and taken again.
 */
static enum omi_err
take_lock(struct store *s, int op, int64_t timeout_ms)
{
	struct stat	 held, now;
	char		*path = disk_path(s->dir, "omi.lock");
	enum omi_err	 err;
	int		 tries;

	if (path == NULL)
		return OMI_NOMEM;
	for (tries = 0; ; tries++) {
		s->lockfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		/* A read-only data directory still allows shared locks. */
		if (s->lockfd == -1 && errno != ELOOP && op == LOCK_SH)
			s->lockfd = open(path, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (s->lockfd == -1) {
			log_msg("store: lock file: %s", strerror(errno));
			err = disk_errno(errno);
			break;
		}
		if ((err = lock_wait(s->lockfd, op, timeout_ms)) != OMI_OK)
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
static enum omi_err
repair(struct store *s, const char *cur)
{
	enum omi_err	 err = OMI_OK;
	int		 d, b = 2;

	d = journal_dirty(s->dir, 1);
	if (cur != NULL)
		b = journal_boot_changed(s->dir, cur);
	if (d == 1 || b == 1)
		err = journal_recover(s->dir);
	else if (d == -1)
		err = disk_errno(errno);
	if (err == OMI_OK && cur != NULL && b != 0 &&
	    journal_boot_record(s->dir, cur) == 0)
		b = 0;
	if (err == OMI_OK && b == 0)
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
static enum omi_err
ensure_clean(struct store *s, int64_t timeout_ms)
{
	enum omi_err	 err = OMI_OK;
	char		 cur[64];
	int		 d, b = 2, have_boot, tries;

	have_boot = journal_boot_id(cur, sizeof(cur)) == 0;
	for (tries = 0; ; tries++) {
		d = journal_dirty(s->dir, s->mode == STORE_WRITE);
		if (have_boot)
			b = journal_boot_changed(s->dir, cur);
		if (d == -1)
			return disk_errno(errno);
		if (d == 0 && b != 1) {
			s->clean = 1;
			if (b == 0)
				s->lazy_sync = 1;
			else if (have_boot && s->mode == STORE_WRITE &&
			    journal_boot_record(s->dir, cur) == 0)
				s->lazy_sync = 1;
			return OMI_OK;
		}
		if (s->mode == STORE_WRITE)
			break;
		if (tries == 3)
			return OMI_BUSY;	/* writers keep dying: later */
		/* A reader: trade the shared lock for the exclusive one. */
		flock(s->lockfd, LOCK_UN);
		if ((err = lock_wait(s->lockfd, LOCK_EX, timeout_ms)) !=
		    OMI_OK)
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
		if ((err == OMI_FULL || err == OMI_READONLY) && b != 1) {
			log_msg("store: recovery postponed (%s); reading as is",
			    omi_strerror(err));
			return lock_wait(s->lockfd, LOCK_SH, timeout_ms);
		}
		if (err != OMI_OK ||
		    (err = lock_wait(s->lockfd, LOCK_SH, timeout_ms)) !=
		    OMI_OK)
			return err;
	}
	return repair(s, have_boot ? cur : NULL);
}

enum omi_err
store_open(struct store **out, const char *datadir, enum store_mode mode,
    int64_t timeout_ms)
{
	struct store	*s;
	char		*dbp = NULL;
	enum omi_err	 err;
	int		 hit;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return OMI_NOMEM;
	s->lockfd = -1;
	s->mode = mode;
	s->timeout_ms = timeout_ms;
	if ((s->dir = strdup(datadir)) == NULL ||
	    (dbp = disk_path(datadir, "omi.db")) == NULL) {
		err = OMI_NOMEM;
		goto fail;
	}
	if (mode == STORE_READ) {
		if ((err = keep_take(s, &hit)) != OMI_OK)
			goto fail;
		if (hit) {
			s->dbpath = dbp;
			*out = s;
			return OMI_OK;
		}
	}
	if ((err = take_lock(s, mode == STORE_WRITE ? LOCK_EX : LOCK_SH,
	    timeout_ms)) != OMI_OK)
		goto fail;
	if ((err = ensure_clean(s, timeout_ms)) != OMI_OK)
		goto fail;
	if ((err = db_open(s, dbp, mode == STORE_WRITE)) != OMI_OK)
		goto fail;
	if (mode == STORE_READ && s->clean)
		keep_stamp(s);
	s->dbpath = dbp;
	*out = s;
	return OMI_OK;
fail:
	if (err == OMI_BUSY)
		log_msg("store: lock not free within %lld ms",
		    (long long)timeout_ms);
	free(dbp);
	store_close(s);
	return err;
}

/*
 * A session's changes are found by key through a small hash table: the
 * search index queues hundreds of records in one delivery and reads many of
 * them back, and a linear search made that quadratic.
 */
static size_t
key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return (size_t)(h ^ h >> 29);
}

static size_t *
find_slot(struct store *s, const char *key)
{
	size_t i, *slot;

	for (i = key_hash(key) & (s->nslots - 1);; i = (i + 1) &
	    (s->nslots - 1)) {
		slot = &s->slots[i];
		if (*slot == 0 || strcmp(s->changes[*slot - 1].key, key) == 0)
			return slot;
	}
}

static struct change *
find_change(struct store *s, const char *key)
{
	size_t *slot;

	if (s->nslots == 0)
		return NULL;
	slot = find_slot(s, key);
	return *slot == 0 ? NULL : &s->changes[*slot - 1];
}

/* Makes room for one more change, in the array and in the table. */
static int
grow_changes(struct store *s)
{
	struct change	*nv;
	size_t		*slots, n, i;

	if (s->nchanges == s->capchanges) {
		n = s->capchanges ? s->capchanges * 2 : 16;
		if ((nv = reallocarray(s->changes, n, sizeof(*nv))) == NULL)
			return -1;
		s->changes = nv;
		s->capchanges = n;
	}
	if ((s->nchanges + 1) * 2 <= s->nslots)
		return 0;
	n = s->nslots ? s->nslots * 2 : 64;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	for (i = 0; i < s->nchanges; i++)
		*find_slot(s, s->changes[i].key) = i + 1;
	return 0;
}

enum omi_err
store_get(struct store *s, const char *key, char **val, size_t *len)
{
	struct change	*c;
	datum		 k, v;

	*val = NULL;
	if (len)
		*len = 0;
	if (s->ended)
		return OMI_ERROR;
	if ((c = find_change(s, key)) != NULL) {
		if (c->val == NULL)
			return OMI_NOTFOUND;
		if ((*val = malloc(c->len + 1)) == NULL)
			return OMI_NOMEM;
		memcpy(*val, c->val, c->len);
		(*val)[c->len] = '\0';
		if (len)
			*len = c->len;
		return OMI_OK;
	}
	if (s->db == NULL)
		return OMI_NOTFOUND;
	k.dptr = (char *)key;
	k.dsize = (int)strlen(key);
	v = gdbm_fetch(s->db, k);
	if (v.dptr == NULL) {
		if (gdbm_errno == GDBM_ITEM_NOT_FOUND)
			return OMI_NOTFOUND;
		s->spoiled = 1;
		return disk_gdbm_error("fetch");
	}
	if ((*val = realloc(v.dptr, (size_t)v.dsize + 1)) == NULL) {
		free(v.dptr);
		return OMI_NOMEM;
	}
	(*val)[v.dsize] = '\0';
	if (len)
		*len = (size_t)v.dsize;
	return OMI_OK;
}

static enum omi_err
queue(struct store *s, const char *key, const void *val, size_t len)
{
	struct change	*c;
	char		*k, *v = NULL;

	if (s->mode != STORE_WRITE || s->ended)
		return OMI_ERROR;
	if (len > INT32_MAX)
		return OMI_ERROR;
	if ((k = strdup(key)) == NULL ||
	    (val != NULL && (v = malloc(len ? len : 1)) == NULL)) {
		free(k);
		return OMI_NOMEM;
	}
	if (val != NULL && len > 0)
		memcpy(v, val, len);
	if ((c = find_change(s, key)) != NULL) {
		free(c->key);
		free(c->val);
	} else {
		if (grow_changes(s) == -1) {
			free(k);
			free(v);
			return OMI_NOMEM;
		}
		c = &s->changes[s->nchanges++];
		c->key = k;
		*find_slot(s, k) = s->nchanges;
	}
	c->key = k;
	c->val = v;
	c->len = len;
	return OMI_OK;
}

enum omi_err
store_put(struct store *s, const char *key, const void *val, size_t len)
{
	return queue(s, key, val, len);
}

enum omi_err
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
	s->nchanges = s->capchanges = 0;
	free(s->slots);
	s->slots = NULL;
	s->nslots = 0;
}


/* Applies changes [0, n) to db; *done says how many went through. */
static enum omi_err
apply_changes(GDBM_FILE db, const struct change *c, size_t n, size_t *done,
    const char *dbpath)
{
	enum omi_err	 err;
	datum		 k;
	size_t		 i;

	(void)dbpath;		/* used by the test build's crash points only */
	for (i = 0, *done = 0; i < n; i++, (*done)++) {
		if (i == 1) {
			disk_crash_point("apply", NULL);
			disk_crash_point("apply-torn", dbpath);
		}
		k.dptr = c[i].key;
		k.dsize = (int)strlen(c[i].key);
		if ((err = disk_gdbm_apply(db, k, c[i].val, c[i].len,
		    "store")) != OMI_OK)
			return err;
	}
	return OMI_OK;
}

/*
 * GDBM can damage its file when a write hits a full disk, so a commit first
 * makes sure the file system has room for the journal record, the GDBM
 * update (the data again plus bucket splits and directory growth) and a
 * margin, and refuses cleanly, touching nothing, when it has not.
 */
static enum omi_err
check_space(struct store *s)
{
	struct stat	 st;
	uint64_t	 need = 1u << 20, avail;
	size_t		 i;

	for (i = 0; i < s->nchanges; i++)
		need += 2 * (strlen(s->changes[i].key) + s->changes[i].len) + 64;
	if (fstat(gdbm_fdesc(s->db), &st) == 0)
		need += (uint64_t)st.st_size / 8;
	if (disk_free_bytes(s->lockfd, &avail) == -1)
		return OMI_OK;	/* unknown: let the writes tell */
	if (avail >= need)
		return OMI_OK;
	log_msg("store: %llu bytes free, a commit needs %llu: refused",
	    (unsigned long long)avail, (unsigned long long)need);
	return OMI_FULL;
}

/* Ends the session's hold on the data: closes GDBM, releases the lock. */
static void
release(struct store *s)
{
	if (s->mode == STORE_READ && s->lockfd != -1 && keep_give(s)) {
		s->ended = 1;
		return;
	}
	if (s->db != NULL) {
		if (s->mode == STORE_WRITE && s->lazy_sync)
			disk_gdbm_close_unsynced(s->db);
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
 * One process checkpoints at a time: the one that claims omi.ckpt (a flock
 * taken without waiting); -1 when another holds it. Every writer that
 * commits while the journal is over the mark finds a checkpoint due, and
 * without the claim each synced omi.db again and queued for the lock
 * behind the first, only to find the journal new: under FastCGI at c=16,
 * all four webhook processes, 100 ms each. The claim goes with the
 * process, so a checkpointer's death frees it.
 */
static int
checkpoint_claim(const char *dir)
{
	int fd;

	fd = disk_open_rw(dir, "omi.ckpt");
	if (fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * A checkpoint that the commit found due (see journal.c), after the commit
 * released the lock and synced its record: omi.db goes to disk first with
 * no lock held, so that the sync under the lock finds little left to do.
 * The commit is durable already, so a checkpoint that cannot run (or that
 * another process is running) only leaves the journal as it was.
 */
static void
checkpoint_finish(struct store *s, uint64_t gen)
{
	int claim;

	if ((claim = checkpoint_claim(s->dir)) == -1)
		return;
	disk_pause_point("checkpoint");
	if (journal_checkpoint_flush(s->dbpath) == 0 &&
	    take_lock(s, LOCK_EX, s->timeout_ms) == OMI_OK) {
		block_signals(s);
		journal_checkpoint(s->dir, s->dbpath, gen);
		unblock_signals(s);
	}
	if (s->lockfd != -1)
		close(s->lockfd);
	s->lockfd = -1;
	close(claim);
}

enum omi_err
store_commit(struct store *s)
{
	enum omi_err	 err;
	size_t		 done = 0;
	off_t		 mark = 0, start = 0;
	uint64_t	 gen;
	int		 jfd = -1, markfd, due;

	if (s->ended)
		return OMI_ERROR;
	if (s->mode != STORE_WRITE || s->nchanges == 0)
		return OMI_OK;
	if ((err = check_space(s)) != OMI_OK)
		return err;
	block_signals(s);
	markfd = journal_mark_open(s->dir, &gen);
	if ((err = journal_append(s, &jfd, &start, &mark,
	    !s->lazy_sync)) != OMI_OK) {
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
	if (err == OMI_OK && !s->lazy_sync && gdbm_sync(s->db) != 0)
		err = disk_gdbm_error("sync");
	if (err == OMI_OK) {
		disk_crash_point("mark", NULL);
		if (pwrite(jfd, "A", 1, mark) != 1)
			err = disk_errno(errno);
		else
			journal_mark_good(markfd, gen, mark + 1);
	}
	if (err != OMI_OK) {
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
	due = journal_checkpoint_due(s, mark + 1);
	unblock_signals(s);
	release(s);
	disk_crash_point("sync", NULL);
	if (s->lazy_sync && (err = journal_sync(markfd, jfd, gen,
	    mark + 1)) != OMI_OK)
		log_msg("store: journal sync: %s", omi_strerror(err));
	if (due)
		checkpoint_finish(s, gen);
out:
	if (jfd != -1)
		close(jfd);
	if (markfd != -1)
		close(markfd);
	unblock_signals(s);
	return err;
}

/*
 * The compaction lock: omi.snap.tmp, flocked, from before the data lock
 * until the compaction ends, so that two compactions never write the same
 * temporary file (checkpoints run under the data lock alone). Checked and
 * taken again when the file it locked is no longer the one at that path
 * (a compaction renamed it meanwhile).
 */
static int
compact_lock(const char *dir, int64_t timeout_ms, enum omi_err *err)
{
	struct stat	 held, now;
	char		*path = disk_path(dir, "omi.snap.tmp");
	int		 fd = -1, tries;

	*err = OMI_NOMEM;
	for (tries = 0; path != NULL && tries < 100; tries++) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0600)) == -1) {
			log_msg("store: omi.snap.tmp: %s", strerror(errno));
			*err = disk_errno(errno);
			break;
		}
		if ((*err = lock_wait(fd, LOCK_EX, timeout_ms)) != OMI_OK)
			break;
		if (fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino)
			break;
		close(fd);
		fd = -1;
		*err = OMI_BUSY;
	}
	if (*err != OMI_OK && fd != -1) {
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

enum omi_err
store_compact(const char *dir, int64_t timeout_ms)
{
	struct store	*s;
	enum omi_err	 err;
	int		 fd;

	if ((fd = compact_lock(dir, timeout_ms, &err)) == -1)
		return err;
	if ((err = store_open(&s, dir, STORE_WRITE, timeout_ms)) == OMI_OK) {
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

enum omi_err
store_foreach(struct store *s, const char *prefix,
    int (*fn)(void *, const char *), void *ctx)
{
	datum	 k, next;
	size_t	 plen = strlen(prefix);
	char	*key;
	int	 stop = 0;

	if (s->ended)
		return OMI_ERROR;
	if (s->db == NULL)
		return OMI_OK;
	k = gdbm_firstkey(s->db);
	while (k.dptr != NULL && !stop) {
		if ((size_t)k.dsize >= plen &&
		    memcmp(k.dptr, prefix, plen) == 0) {
			if ((key = strndup(k.dptr, (size_t)k.dsize)) == NULL) {
				free(k.dptr);
				return OMI_NOMEM;
			}
			stop = fn(ctx, key);
			free(key);
		}
		next = gdbm_nextkey(s->db, k);
		free(k.dptr);
		k = next;
	}
	free(k.dptr);
	if (!stop && gdbm_errno != GDBM_ITEM_NOT_FOUND && gdbm_errno != 0) {
		s->spoiled = 1;
		return disk_gdbm_error("iterate");
	}
	return OMI_OK;
}
