/*
 * keep: a reader's database kept open between the sessions of one FastCGI
 * process.
 *
 * A read session was the lock file's open, the journal's state, the boot
 * id and GDBM's open (its header, its directory, then every bucket a lookup
 * needs, read again each time): 41 system calls in a warm list request,
 * where a kept handle needs 8 (the stamp's 6, the lock's 2). A handle
 * kept from an earlier session is used again only when a stamp, read under
 * the shared lock, shows that nothing changed the data since it was
 * opened:
 *
 *   - every change to omi.db is made under the exclusive lock, and a commit
 *     appends its record to the journal first, so the journal's size only
 *     grows within a generation (a failed append is cut back before GDBM is
 *     touched);
 *   - a checkpoint, a recovery and a compaction empty the journal, and each
 *     starts a new generation in omi.sync first;
 *   - a compaction puts a new omi.db in place, and a lock file that is not
 *     the one the handle's lock was taken on excludes nobody.
 *
 * So the stamp is the generation (read from omi.sync, whose descriptor is
 * kept with the handle, and whose identity is in the stamp too), the
 * journal's identity and size, omi.db's identity, size and modification
 * time (a copy put in place by hand), and the lock file's identity, with
 * no checkpoint cut short (omi.roll). A
 * stamp that differs, or an error in a kept session, closes the handle and
 * the session opens afresh. Only one handle is kept; a session opened
 * while it is in use opens its own.
 *
 * An idle process lets go of it (store_forget), so that a compaction's old
 * omi.db, which holds deleted bytes, does not stay allocated behind an open
 * descriptor.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdbm.h>

#include "store/disk.h"
#include "store/store-impl.h"

/* GDBM sizes its bucket cache to the whole file by default; a handle kept
 * for the process's life reads many users' buckets (4 KB each). */
#define KEEP_CACHE_BUCKETS	128

static int	 keeping;
static struct {
	char			*dir;
	GDBM_FILE		 db;
	int			 lockfd;
	int			 syncfd;	/* omi.sync, for the generation */
	int			 busy;	/* a session is using it */
	int			 uses;	/* sessions it served */
	struct keep_stamp	 stamp;
} kept = { .lockfd = -1, .syncfd = -1 };

/*
 * A child must not use its parent's: the lock file's descriptor is shared
 * with the parent, and a child's unlock would end the parent's lock.
 */
static void
after_fork(void)
{
	kept.busy = 0;
	store_forget();
}

void
store_keep_readers(void)
{
	if (!keeping)
		(void)pthread_atfork(NULL, NULL, after_fork);
	keeping = 1;
}

int
store_kept(void)
{
	return kept.db != NULL ? kept.uses : 0;
}

void
store_forget(void)
{
	if (kept.db == NULL || kept.busy)
		return;
	gdbm_close(kept.db);
	close(kept.lockfd);
	close(kept.syncfd);
	free(kept.dir);
	kept.db = NULL;
	kept.lockfd = kept.syncfd = -1;
	kept.dir = NULL;
}

/* disk_path() without its allocation: four of these a request. */
static int
stat_in(const char *dir, const char *name, struct stat *st)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	return lstat(path, st);
}

/*
 * The data's stamp (see above); 0, or -1 when it cannot be taken. The
 * generation is read from syncfd when it is open (a kept handle's), which
 * saves an open and a close per request; the stamp's omi.sync identity
 * tells whether that descriptor is still the file's.
 */
static int
stamp_read(const char *dir, int syncfd, struct keep_stamp *k)
{
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (stat_in(dir, "omi.roll", &st) == 0 || errno != ENOENT)
		return -1;
	if (stat_in(dir, "omi.journal", &st) == 0) {
		k->j_dev = st.st_dev;
		k->j_ino = st.st_ino;
		k->j_size = st.st_size;
	} else if (errno != ENOENT)
		return -1;
	if (stat_in(dir, "omi.sync", &st) == -1)
		return -1;
	k->sync_dev = st.st_dev;
	k->sync_ino = st.st_ino;
	if ((syncfd != -1 ? journal_generation_fd(syncfd, &k->gen) :
	    journal_generation(dir, &k->gen)) == -1 ||
	    stat_in(dir, "omi.db", &st) == -1)
		return -1;
	k->db_dev = st.st_dev;
	k->db_ino = st.st_ino;
	k->db_size = st.st_size;
	k->db_mtim = st.st_mtim;
	if (stat_in(dir, "omi.lock", &st) == -1)
		return -1;
	k->lock_dev = st.st_dev;
	k->lock_ino = st.st_ino;
	return 0;
}

static int
stamp_same(const struct keep_stamp *a, const struct keep_stamp *b)
{
	return a->gen == b->gen && a->j_dev == b->j_dev &&
	    a->j_ino == b->j_ino && a->j_size == b->j_size &&
	    a->db_dev == b->db_dev && a->db_ino == b->db_ino &&
	    a->db_size == b->db_size &&
	    a->db_mtim.tv_sec == b->db_mtim.tv_sec &&
	    a->db_mtim.tv_nsec == b->db_mtim.tv_nsec &&
	    a->lock_dev == b->lock_dev && a->lock_ino == b->lock_ino &&
	    a->sync_dev == b->sync_dev && a->sync_ino == b->sync_ino;
}

enum omi_err
keep_take(struct store *s, int *hit)
{
	struct keep_stamp	 now;
	enum omi_err		 err;

	*hit = 0;
	if (!keeping || kept.db == NULL || kept.busy ||
	    strcmp(kept.dir, s->dir) != 0)
		return OMI_OK;
	if ((err = lock_wait(kept.lockfd, LOCK_SH, s->timeout_ms)) != OMI_OK)
		return err;
	if (stamp_read(s->dir, kept.syncfd, &now) == -1 ||
	    !stamp_same(&now, &kept.stamp)) {
		(void)flock(kept.lockfd, LOCK_UN);
		store_forget();
		return OMI_OK;
	}
	s->db = kept.db;
	s->lockfd = kept.lockfd;
	s->stamp = now;
	s->stamped = s->kept = 1;
	kept.busy = 1;
	if (kept.uses < INT_MAX)
		kept.uses++;
	*hit = 1;
	return OMI_OK;
}

/*
 * The stamp names the files by path; the handle and the lock must be those
 * very files (nobody replaces them under the lock, but a hand might).
 */
void
keep_stamp(struct store *s)
{
	struct stat db, lock;

	s->stamped = keeping && s->db != NULL &&
	    stamp_read(s->dir, -1, &s->stamp) == 0 &&
	    fstat(gdbm_fdesc(s->db), &db) == 0 &&
	    fstat(s->lockfd, &lock) == 0 &&
	    db.st_dev == s->stamp.db_dev && db.st_ino == s->stamp.db_ino &&
	    lock.st_dev == s->stamp.lock_dev &&
	    lock.st_ino == s->stamp.lock_ino;
}

/*
 * omi.sync opened for a handle about to be kept, still under the session's
 * lock: the very file its stamp names, or -1.
 */
static int
sync_open(const struct store *s)
{
	struct stat	 st;
	char		 path[PATH_MAX];
	int		 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/omi.sync", s->dir) >=
	    sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_dev != s->stamp.sync_dev ||
	    st.st_ino != s->stamp.sync_ino) {
		close(fd);
		return -1;
	}
	return fd;
}

int
keep_give(struct store *s)
{
	size_t n = KEEP_CACHE_BUCKETS;

	if (s->kept) {
		kept.busy = 0;
		if (s->spoiled) {
			/* The caller closes the database and the lock. */
			close(kept.syncfd);
			free(kept.dir);
			kept.dir = NULL;
			kept.db = NULL;
			kept.lockfd = kept.syncfd = -1;
			return 0;
		}
	} else {
		if (!keeping || !s->stamped || s->spoiled || kept.db != NULL)
			return 0;
		if ((kept.syncfd = sync_open(s)) == -1)
			return 0;
		if ((kept.dir = strdup(s->dir)) == NULL) {
			close(kept.syncfd);
			kept.syncfd = -1;
			return 0;
		}
		(void)gdbm_setopt(s->db, GDBM_SETCACHESIZE, &n, sizeof(n));
		kept.db = s->db;
		kept.lockfd = s->lockfd;
		kept.stamp = s->stamp;
		kept.uses = 1;
	}
	(void)flock(s->lockfd, LOCK_UN);
	s->db = NULL;
	s->lockfd = -1;
	return 1;
}
