/*
 * journal: the store's write-ahead journal, its recovery and checkpoints
 * (the design is described at the top of store.c).
 *
 * Record: "OMJ1", payload length (u64 LE), BLAKE2b-128 of the payload, the
 * payload (ops: 'P' klen key vlen value | 'D' klen key, lengths u32 LE),
 * the payload length again, and a state byte: '0' written, 'A' applied,
 * 'X' aborted (its commit failed and said so; recovery skips it).
 * The trailing length lets a writer find and verify the last record without
 * reading the whole journal.
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "store/disk.h"
#include "store/store-impl.h"

#define JOURNAL_MAGIC		"OMJ1"
#define JOURNAL_HDR		(4 + 8 + 16)	/* magic, length, checksum */
#define JOURNAL_TRAILER		(8 + 1)		/* length again, state byte */
#define CHECKPOINT_MIN		(8u << 20)

/*
 * Serialises the queued changes as one journal record, in place: its size
 * is known first, so the record is one allocation and its payload is
 * neither grown nor copied (15 KB a delivery, fresh pages in a new process).
 */
static int
journal_record(const struct store *s, struct buf *rec)
{
	unsigned char	 sum[16], len[8];
	size_t		 i, plen = 0, at;

	for (i = 0; i < s->nchanges; i++)
		plen += 1 + 4 + strlen(s->changes[i].key) +
		    (s->changes[i].val ? 4 + s->changes[i].len : 0);
	if (buf_reserve(rec, JOURNAL_HDR + plen + JOURNAL_TRAILER) == -1)
		return -1;
	memset(sum, 0, sizeof(sum));
	le_put(len, plen, 8);
	buf_append(rec, JOURNAL_MAGIC, 4);
	buf_append(rec, len, 8);
	buf_append(rec, sum, 16);	/* the checksum, below */
	at = rec->len;
	for (i = 0; i < s->nchanges; i++) {
		const struct change *c = &s->changes[i];
		buf_putc(rec, c->val ? 'P' : 'D');
		buf_put_le(rec, strlen(c->key), 4);
		buf_puts(rec, c->key);
		if (c->val) {
			buf_put_le(rec, c->len, 4);
			buf_append(rec, c->val, c->len);
		}
	}
	if (rec->failed || rec->len - at != plen)
		return -1;
	crypto_generichash(sum, sizeof(sum), (unsigned char *)rec->data + at,
	    plen, NULL, 0);
	memcpy(rec->data + at - sizeof(sum), sum, sizeof(sum));
	buf_append(rec, len, 8);
	buf_putc(rec, '0');
	return rec->failed ? -1 : 0;
}

/* One change of a record's payload; val NULL for a delete. */
struct op {
	const unsigned char	*key, *val;
	uint32_t		 klen, vlen;
};

/*
 * Parses the change at *off of a record's payload p[0, n) and moves past
 * it: 1, or 0 at the payload's end, -1 when it is malformed.
 */
static int
op_next(const unsigned char *p, size_t n, size_t *off, struct op *op)
{
	size_t	 o = *off;
	char	 kind;

	if (o == n)
		return 0;
	if (n - o < 5 || ((kind = (char)p[o]) != 'P' && kind != 'D'))
		return -1;
	op->klen = (uint32_t)le_get(p + o + 1, 4);
	o += 5;
	if (n - o < op->klen)
		return -1;
	op->key = p + o;
	o += op->klen;
	op->val = NULL;
	op->vlen = 0;
	if (kind == 'P') {
		if (n - o < 4 || n - o - 4 < (op->vlen = (uint32_t)le_get(p + o,
		    4)))
			return -1;
		op->val = p + o + 4;
		o += 4 + op->vlen;
	}
	*off = o;
	return 1;
}

/* Applies a change to the open database, as a commit does. */
static enum omi_err
op_apply(GDBM_FILE db, const struct op *op, const char *what)
{
	datum	 k;

	k.dptr = (char *)op->key;
	k.dsize = (int)op->klen;
	return disk_gdbm_apply(db, k, (const char *)op->val, op->vlen, what);
}

/* Applies one record's payload to the open database. */
static enum omi_err
journal_apply(GDBM_FILE db, const unsigned char *p, size_t n)
{
	struct op	 op;
	size_t		 off = 0;
	enum omi_err	 err;
	int		 r;

	while ((r = op_next(p, n, &off, &op)) == 1)
		if ((err = op_apply(db, &op, "replay")) != OMI_OK)
			return err;
	return r == 0 ? OMI_OK : OMI_CORRUPT;
}

/*
 * The whole record of the journal j at *off, which it moves past: its
 * payload in *pay and *plen, its state byte returned ('0', 'A', 'X'). 0 at
 * the end, or at a torn or damaged record (never acknowledged), which ends
 * a walk.
 */
static int
record_next(const struct buf *j, size_t *off, const unsigned char **pay,
    uint64_t *plen)
{
	const unsigned char	*p = (const unsigned char *)j->data + *off;
	unsigned char		 sum[16];

	if (j->len - *off < JOURNAL_HDR + JOURNAL_TRAILER ||
	    memcmp(p, JOURNAL_MAGIC, 4) != 0)
		return 0;
	*plen = le_get(p + 4, 8);
	if (*plen > j->len - *off - JOURNAL_HDR - JOURNAL_TRAILER)
		return 0;
	crypto_generichash(sum, sizeof(sum), p + JOURNAL_HDR, *plen, NULL, 0);
	if (sodium_memcmp(sum, p + 12, 16) != 0)
		return 0;
	*pay = p + JOURNAL_HDR;
	*off += JOURNAL_HDR + *plen + JOURNAL_TRAILER;
	return p[JOURNAL_HDR + *plen + JOURNAL_TRAILER - 1];
}

/* Copies in from offset off to its end onto out's end. */
static int
copy_fd(int in, int out, off_t off)
{
	char	 chunk[65536];
	ssize_t	 n;

	while ((n = pread(in, chunk, sizeof(chunk), off)) > 0) {
		if (write(out, chunk, (size_t)n) != n)
			return -1;
		off += n;
	}
	return n == 0 ? 0 : -1;
}

/*
 * Creates a temporary file that is renamed into place later: a new file,
 * whatever was at its path before, so that neither a symbolic nor a hard
 * link planted there can make us write into the file it points to.
 */
static int
open_new(const char *path)
{
	(void)unlink(path);
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
}

static int
copy_file(const char *from, const char *to)
{
	int	 in, out, rc = -1;

	if ((in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if ((out = open_new(to)) == -1) {
		close(in);
		return -1;
	}
	if (copy_fd(in, out, 0) == 0 && fsync(out) == 0)
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

static uint64_t	 mark_good_end(const char *);

/*
 * Checks the journal's tail. Returns 0 when clean (empty, or the last
 * record applied), 1 when a record is unapplied or torn, -1 on error.
 * Readers look at the state byte only: a torn record was never applied to
 * GDBM, so reading is safe even when its last byte happens to be 'A'.
 * Writers (full) also verify the last record's framing and checksum before
 * they append behind it, so a torn record can never hide later ones, unless
 * omi.sync's good end says its writer finished it (journal_mark_good).
 */
int
journal_dirty(const char *dir, int full)
{
	struct stat	 st;
	unsigned char	 tail[JOURNAL_TRAILER], sum[16], *rec = NULL;
	uint64_t	 plen;
	char		*path;
	int		 fd, rc = -1;

	/* A checkpoint died while it rolled the snapshot forward. */
	if ((path = disk_path(dir, "omi.roll")) == NULL)
		return -1;
	rc = access(path, F_OK) == 0 ? 1 : errno == ENOENT ? 0 : -1;
	free(path);
	if (rc != 0)
		return rc;
	rc = -1;
	if ((path = disk_path(dir, "omi.journal")) == NULL)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
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
	if (tail[JOURNAL_TRAILER - 1] != 'A' || !full ||
	    mark_good_end(dir) == (uint64_t)st.st_size) {
		rc = tail[JOURNAL_TRAILER - 1] != 'A';
		goto out;
	}
	plen = le_get(tail, 8);
	rc = 1;
	if (plen > (uint64_t)st.st_size - JOURNAL_HDR - JOURNAL_TRAILER ||
	    (rec = malloc(JOURNAL_HDR + plen)) == NULL)
		goto out;
	if (pread(fd, rec, JOURNAL_HDR + plen, st.st_size -
	    (off_t)(JOURNAL_HDR + plen + JOURNAL_TRAILER)) !=
	    (ssize_t)(JOURNAL_HDR + plen))
		goto out;
	crypto_generichash(sum, sizeof(sum), rec + JOURNAL_HDR, plen, NULL, 0);
	if (memcmp(rec, JOURNAL_MAGIC, 4) == 0 && le_get(rec + 4, 8) == plen &&
	    sodium_memcmp(sum, rec + 12, 16) == 0)
		rc = 0;
out:
	free(rec);
	close(fd);
	return rc;
}

/*
 * Group commit. Writers sync the journal after releasing the data lock, one
 * at a time under flock on omi.sync, which records what the last sync
 * covered: a generation and a journal offset. A writer whose record lies
 * below that offset is durable already and skips its own sync, so writers
 * that queued behind one fdatasync share it. Emptying the journal (a
 * checkpoint or a recovery, which make everything durable in omi.snap
 * first) starts a new generation under the same flock: a writer whose
 * record belongs to an older generation needs no sync at all.
 */
struct sync_mark {
	uint64_t gen, off;
};

static int
mark_open(const char *dir)
{
	return disk_open_rw(dir, "omi.sync");
}

static void
mark_read(int fd, struct sync_mark *m)
{
	unsigned char b[16];

	m->gen = m->off = 0;
	if (pread(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b)) {
		m->gen = le_get(b, 8);
		m->off = le_get(b + 8, 8);
	}
}

static int
mark_write(int fd, const struct sync_mark *m)
{
	unsigned char	 b[16];

	le_put(b, m->gen, 8);
	le_put(b + 8, m->off, 8);
	return pwrite(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) ? 0 : -1;
}

int
journal_mark_open(const char *dir, uint64_t *gen)
{
	struct sync_mark	 m = { 0, 0 };
	int			 fd;

	if ((fd = mark_open(dir)) != -1)
		mark_read(fd, &m);
	*gen = m.gen;
	return fd;
}

enum omi_err
journal_sync(int markfd, int jfd, uint64_t gen, off_t end)
{
	struct sync_mark	 m;
	struct stat		 st;
	enum omi_err		 err = OMI_OK;

	if (markfd == -1 || flock(markfd, LOCK_EX) == -1)
		return fdatasync(jfd) == -1 ? disk_errno(errno) : OMI_OK;
	mark_read(markfd, &m);
	/*
	 * A newer generation: the record is in the synced snapshot. An older
	 * one can only mean omi.sync was removed and made anew: trust nothing.
	 */
	if (m.gen < gen || (m.gen == gen && m.off < (uint64_t)end)) {
		/* Everything below the size seen now is covered by the sync. */
		if (fstat(jfd, &st) == -1 || fdatasync(jfd) == -1)
			err = disk_errno(errno);
		else if (m.gen == gen) {
			m.off = (uint64_t)st.st_size;
			(void)mark_write(markfd, &m);
		}
	}
	(void)flock(markfd, LOCK_UN);
	return err;
}

/*
 * The good end: omi.sync's second half holds a generation and the journal's
 * end after the last commit that wrote its whole record and marked it
 * applied; the writer sets it before it lets go of the data lock. A next
 * writer that finds the journal ending exactly there, in the same generation,
 * knows the last record is whole without hashing it again (that was half of
 * a delivery's hashing). Anything else (a writer that died while appending,
 * a failed write of this mark, a newer generation) leaves the two apart, and
 * the record is verified as before.
 */
void
journal_mark_good(int markfd, uint64_t gen, off_t end)
{
	unsigned char b[16];

	if (markfd == -1)
		return;
	le_put(b, gen, 8);
	le_put(b + 8, (uint64_t)end, 8);
	(void)!pwrite(markfd, b, sizeof(b), 16);
}

int
journal_generation_fd(int fd, uint64_t *gen)
{
	struct sync_mark m;

	mark_read(fd, &m);
	*gen = m.gen;
	return 0;
}

int
journal_generation(const char *dir, uint64_t *gen)
{
	struct sync_mark	 m;
	char			*path;
	int			 fd;

	if ((path = disk_path(dir, "omi.sync")) == NULL)
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return -1;
	mark_read(fd, &m);
	close(fd);
	*gen = m.gen;
	return 0;
}

/* The good end of the current generation, or UINT64_MAX when unknown. */
static uint64_t
mark_good_end(const char *dir)
{
	unsigned char	 b[32];
	int		 fd;
	ssize_t		 n;

	if ((fd = mark_open(dir)) == -1)
		return UINT64_MAX;
	n = pread(fd, b, sizeof(b), 0);
	close(fd);
	if (n != (ssize_t)sizeof(b) || le_get(b, 8) != le_get(b + 16, 8))
		return UINT64_MAX;
	return le_get(b + 24, 8);
}

void
journal_mark_cut(int markfd, uint64_t gen, off_t end)
{
	struct sync_mark	 m;

	if (markfd == -1 || flock(markfd, LOCK_EX) == -1)
		return;
	mark_read(markfd, &m);
	if (m.gen == gen && m.off > (uint64_t)end) {
		m.off = (uint64_t)end;
		if (mark_write(markfd, &m) == -1)
			/* A mark that cannot be lowered must not vouch. */
			(void)!ftruncate(markfd, 0);
	}
	(void)flock(markfd, LOCK_UN);
}

/*
 * Empties the journal (everything in it is durable in omi.snap by now) and
 * starts a new generation first, so that no sync mark of the old one can
 * be taken to cover a record of the new one. Data lock held.
 */
static int
journal_reset(const char *dir, const char *jpath)
{
	struct sync_mark	 m;
	int			 fd, mfd, rc = -1;

	if ((mfd = mark_open(dir)) == -1 || flock(mfd, LOCK_EX) == -1) {
		log_msg("store: omi.sync: %s; journal kept", strerror(errno));
		if (mfd != -1)
			close(mfd);
		return -1;
	}
	mark_read(mfd, &m);
	m.gen++;
	m.off = 0;
	if (mark_write(mfd, &m) == 0 && (fd = open(jpath, O_WRONLY | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC)) != -1) {
		rc = 0;
		(void)fsync(fd);
		close(fd);
	} else if (errno == ENOENT)
		rc = 0;
	close(mfd);
	return rc;
}

/*
 * After a checkpoint died while it rolled omi.snap forward (omi.roll is
 * there): omi.db is the whole state, durably (see the checkpoints below),
 * so it becomes the snapshot again and the journal starts empty.
 */
static enum omi_err
roll_recover(const char *dir, const char *roll)
{
	char		*dbp, *snap, *tmp, *jpath;
	enum omi_err	 err = OMI_NOMEM;

	dbp = disk_path(dir, "omi.db");
	snap = disk_path(dir, "omi.snap");
	tmp = disk_path(dir, "omi.snap.new");
	jpath = disk_path(dir, "omi.journal");
	if (dbp && snap && tmp && jpath) {
		if (copy_file(dbp, tmp) == -1 || rename(tmp, snap) == -1) {
			err = disk_errno(errno);
			(void)unlink(tmp);
		} else {
			sync_dir(dir);
			err = journal_reset(dir, jpath) == 0 &&
			    unlink(roll) == 0 ? OMI_OK : disk_errno(errno);
			sync_dir(dir);
		}
	}
	if (err == OMI_OK)
		log_msg("store: a checkpoint was cut short: the snapshot was "
		    "made again from the database");
	free(dbp);
	free(snap);
	free(tmp);
	free(jpath);
	return err;
}

/*
 * Rebuilds omi.db from omi.snap and the journal's complete records, then
 * checkpoints. Runs under the exclusive lock with no database open.
 */
enum omi_err
journal_recover(const char *dir)
{
	struct buf	 j = { 0 };
	char		*jpath = NULL, *snap = NULL, *dbp = NULL, *tmp = NULL;
	char		*bad = NULL, *roll;
	GDBM_FILE	 db = NULL;
	size_t		 off = 0, records = 0, aborted = 0;
	uint64_t	 plen;
	const unsigned char *pay;
	enum omi_err	 err = OMI_ERROR;
	int		 state;

	if ((roll = disk_path(dir, "omi.roll")) != NULL &&
	    access(roll, F_OK) == 0) {
		err = roll_recover(dir, roll);
		free(roll);
		return err;
	}
	jpath = disk_path(dir, "omi.journal");
	snap = disk_path(dir, "omi.snap");
	dbp = disk_path(dir, "omi.db");
	tmp = disk_path(dir, "omi.db.rebuild");
	bad = disk_path(dir, "omi.db.damaged");
	if (!roll || !jpath || !snap || !dbp || !tmp || !bad ||
	    (buf_read_file(&j, jpath) == -1 && errno != ENOENT))
		goto out;
	(void)unlink(tmp);
	if (access(snap, F_OK) == 0 && copy_file(snap, tmp) == -1) {
		err = disk_errno(errno);
		goto out;
	}
	db = disk_gdbm_open(tmp, GDBM_WRCREAT | GDBM_NOLOCK | GDBM_CLOEXEC);
	if (db == NULL) {
		err = disk_gdbm_error("recover open");
		goto out;
	}
	/* A torn or damaged tail was never acknowledged: the walk ends. */
	while ((state = record_next(&j, &off, &pay, &plen)) != 0) {
		if (state == 'X')
			aborted++;
		else if ((err = journal_apply(db, pay, plen)) != OMI_OK)
			goto out;
		else
			records++;
	}
	if (gdbm_sync(db) != 0) {
		err = disk_gdbm_error("recover sync");
		goto out;
	}
	gdbm_close(db);
	db = NULL;
	(void)rename(dbp, bad);
	if (rename(tmp, dbp) == -1 || copy_file(dbp, tmp) == -1 ||
	    rename(tmp, snap) == -1) {
		err = disk_errno(errno);
		goto out;
	}
	sync_dir(dir);
	(void)journal_reset(dir, jpath);
	log_msg("store: recovered the database from the snapshot and %zu "
	    "journal records, skipping %zu aborted (%zu bytes of torn tail "
	    "dropped)", records, aborted, j.len - off);
	err = OMI_OK;
out:
	if (db != NULL)
		gdbm_close(db);
	buf_free(&j);
	free(jpath);
	free(snap);
	free(dbp);
	free(tmp);
	free(bad);
	free(roll);
	return err;
}

/*
 * Checkpoints: once the journal holds a quarter of the database's size (and
 * at least 8 MB), its records are applied to omi.snap itself and the
 * journal starts again. The snapshot is rolled forward in place, never
 * copied, so a checkpoint needs no room for a second copy of the database
 * (the data directory's peak is its steady state) and writes what changed,
 * not the whole database.
 *
 * While omi.snap is being changed it is no longer a state to recover from,
 * so the database must be one, durably, and nobody may change it: the whole
 * roll runs under the exclusive data lock, after an fdatasync of omi.db,
 * and omi.roll says that it is under way:
 *
 * 1. (store.c, no lock) an fdatasync of omi.db, so that the one under the
 *    lock below finds little left to write.
 * 2. Data lock held, and only if the journal is still the one the commit
 *    saw (generation) and clean: fdatasync omi.db, which is then the whole
 *    state, durably; create omi.roll and sync the directory.
 * 3. Apply every complete record to omi.snap (scrubbing what they replace
 *    or delete, as a commit does), fsync it, empty the journal (a new
 *    generation), remove omi.roll.
 *
 * Killed or cut off (power) anywhere after omi.roll exists, the next
 * session finds it and makes omi.snap again from omi.db, which is durable
 * and whole: the roll's own commit had finished, and the lock kept every
 * other writer out until omi.roll was gone (journal_recover). Without
 * omi.roll, omi.snap plus the journal is the state, as always; a death
 * between emptying the journal and removing omi.roll only makes that
 * session copy a database that is already the snapshot's state.
 */
int
journal_checkpoint_due(struct store *s, off_t journal_size)
{
	struct stat	 st;

	return (uint64_t)journal_size >= CHECKPOINT_MIN && s->db != NULL &&
	    fstat(gdbm_fdesc(s->db), &st) == 0 &&
	    journal_size >= st.st_size / 4;
}

/* The sync of omi.db a checkpoint needs; 0 or -1 (logged). */
int
journal_checkpoint_flush(const char *dbpath)
{
	int	 fd, rc;

	if ((fd = open(dbpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		rc = -1;
	else {
		rc = fdatasync(fd);
		close(fd);
	}
	if (rc == -1)
		log_msg("store: checkpoint failed: %s", strerror(errno));
	return rc;
}

/*
 * The last change to each key among the journal's records: a checkpoint
 * applies only those. A delivery rewrites the same index records again and
 * again (the newest page, the head, the search index's batches), so there
 * are about four times fewer of them than changes, and six times fewer
 * bytes. Open addressing over the changes, which point into the journal.
 */
struct last_ops {
	struct op	*slot;		/* key NULL: empty */
	size_t		 mask, n;
};

static uint64_t
key_fnv(const unsigned char *k, uint32_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n-- > 0)
		h = (h ^ *k++) * 1099511628211ULL;
	return h;
}

static int
last_ops_put(struct last_ops *t, const struct op *op)
{
	struct op	*old = t->slot, *e;
	size_t		 i, oldn, size;

	if (t->slot == NULL || 2 * (t->n + 1) > t->mask + 1) {
		oldn = t->slot == NULL ? 0 : t->mask + 1;
		size = oldn == 0 ? 1024 : 2 * oldn;
		if ((t->slot = calloc(size, sizeof(*t->slot))) == NULL) {
			t->slot = old;
			return -1;
		}
		t->mask = size - 1;
		t->n = 0;
		for (i = 0; i < oldn; i++)	/* fits: no growth */
			if (old[i].key != NULL)
				(void)last_ops_put(t, &old[i]);
		free(old);
	}
	for (i = key_fnv(op->key, op->klen) & t->mask; ;
	    i = (i + 1) & t->mask) {
		e = &t->slot[i];
		if (e->key == NULL) {
			t->n++;
			break;
		}
		if (e->klen == op->klen &&
		    memcmp(e->key, op->key, op->klen) == 0)
			break;
	}
	*e = *op;
	return 0;
}

/*
 * The journal, mapped read-only into j (j->cap 0; journal_unmap undoes it),
 * for a checkpoint, which holds the exclusive lock: no writer appends to
 * or cuts the file meanwhile. Read into memory instead, its 8 MB or more
 * cost a fresh page each 4 KB, faulted in one at a time (about 2,000
 * faults, a fifth of a checkpoint here); mapped, the pages are the page
 * cache's, populated in one call. 0, or -1 with errno set.
 */
static int
journal_map(const char *path, struct buf *j)
{
	struct stat	 st;
	void		*p;
	int		 fd, e;

	memset(j, 0, sizeof(*j));
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (st.st_size == 0) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0);
	e = errno;
	close(fd);
	if (p == MAP_FAILED) {
		errno = e;
		return -1;
	}
	j->data = p;
	j->len = (size_t)st.st_size;
	return 0;
}

static void
journal_unmap(struct buf *j)
{
	if (j->data != NULL)
		munmap(j->data, j->len);
	memset(j, 0, sizeof(*j));
}

/*
 * Applies the last change to each key of the journal's records in j to db,
 * scrubbing what they replace or delete as a commit does; -1 on failure.
 */
static int
roll_records(GDBM_FILE db, const struct buf *j, const char *dbpath)
{
	struct last_ops		 t = { 0 };
	struct op		 op;
	const unsigned char	*pay;
	uint64_t		 plen;
	size_t			 off = 0, i, applied = 0, o;
	int			 state, r = 0, rc = -1;

	(void)dbpath;		/* used by the test build's crash points only */
	while (r == 0 && (state = record_next(j, &off, &pay, &plen)) != 0) {
		if (state == 'X')
			continue;
		o = 0;
		while ((r = op_next(pay, plen, &o, &op)) == 1)
			if (last_ops_put(&t, &op) == -1) {
				r = -1;
				break;
			}
	}
	/* The journal is clean (checked under this lock): all of it. */
	if (r != 0 || off != j->len)
		goto out;
	for (i = 0; t.slot != NULL && i <= t.mask; i++) {
		if (t.slot[i].key == NULL)
			continue;
		if (applied++ == 1) {
			disk_crash_point("checkpoint-roll", NULL);
			disk_crash_point("checkpoint-roll-torn", dbpath);
		}
		if (op_apply(db, &t.slot[i], "checkpoint") != OMI_OK)
			goto out;
	}
	rc = 0;
out:
	free(t.slot);
	return rc;
}

void
journal_checkpoint(const char *dir, const char *dbpath, uint64_t gen)
{
	struct sync_mark	 m;
	struct buf		 j = { 0 };
	GDBM_FILE		 snap = NULL;
	char			*jpath, *spath, *roll;
	uint64_t		 avail;
	int			 mfd = -1, fd;

	jpath = disk_path(dir, "omi.journal");
	spath = disk_path(dir, "omi.snap");
	roll = disk_path(dir, "omi.roll");
	if (!jpath || !spath || !roll || (mfd = mark_open(dir)) == -1)
		goto out;
	mark_read(mfd, &m);
	/* Another checkpoint or a recovery came first, or a writer died. */
	if (m.gen != gen || journal_dirty(dir, 0) != 0 ||
	    journal_map(jpath, &j) == -1)
		goto out;
	/* The snapshot grows by at most what the records hold. */
	if (disk_free_bytes(mfd, &avail) == 0 &&
	    avail < (uint64_t)j.len + (1u << 20)) {
		log_msg("store: checkpoint postponed: %llu bytes free, it "
		    "needs %llu", (unsigned long long)avail,
		    (unsigned long long)j.len + (1u << 20));
		goto out;
	}
	if (journal_checkpoint_flush(dbpath) == -1)
		goto out;
	if ((fd = open_new(roll)) == -1 || fsync(fd) == -1) {
		log_msg("store: checkpoint failed: omi.roll: %s",
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			(void)unlink(roll);
		}
		goto out;
	}
	close(fd);
	sync_dir(dir);
	/*
	 * From here on, a failure leaves omi.roll for the next session.
	 * Without mmap, as the database: the snapshot's pages are clean
	 * (synced), and a mapped clean page costs a write fault on its first
	 * change (11,000 changes here: 600 ms mapped, 260 ms without).
	 */
	snap = disk_gdbm_open(spath, GDBM_WRCREAT | GDBM_NOLOCK |
	    GDBM_NOMMAP | GDBM_CLOEXEC);
	if (snap == NULL) {
		(void)disk_gdbm_error("checkpoint open");
		goto out;
	}
	if (roll_records(snap, &j, spath) == -1) {
		log_msg("store: checkpoint failed: the snapshot is made "
		    "again by the next session");
		goto out;
	}
	if (gdbm_sync(snap) != 0) {
		(void)disk_gdbm_error("checkpoint sync");
		goto out;
	}
	if (journal_reset(dir, jpath) == -1)
		goto out;
	disk_crash_point("checkpoint-snap", NULL);
	if (unlink(roll) == 0)
		sync_dir(dir);
out:
	if (snap != NULL)
		gdbm_close(snap);
	if (mfd != -1)
		close(mfd);
	journal_unmap(&j);
	free(jpath);
	free(spath);
	free(roll);
}

/* The kernel's id of this boot; 0, or -1 where there is none. A process
 * lives within one boot, so a FastCGI process reads it once. */
int
journal_boot_id(char *out, size_t n)
{
	static char	 id[64];
	ssize_t		 r;
	int		 fd;

	if (id[0] == '\0') {
		if ((fd = open("/proc/sys/kernel/random/boot_id",
		    O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		r = read(fd, id, sizeof(id) - 1);
		close(fd);
		if (r < 8) {
			id[0] = '\0';
			return -1;
		}
		id[r] = '\0';
		id[strcspn(id, "\n")] = '\0';
	}
	if (strlen(id) >= n)
		return -1;
	memcpy(out, id, strlen(id) + 1);
	return 0;
}

/* Compares omi.boot with cur: 0 the same, 1 different, 2 missing. */
int
journal_boot_changed(const char *dir, const char *cur)
{
	char	 rec[64], *path;
	ssize_t	 r;
	int	 fd;

	if ((path = disk_path(dir, "omi.boot")) == NULL)
		return 1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
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
int
journal_boot_record(const char *dir, const char *cur)
{
	char	*path = disk_path(dir, "omi.boot"), *tmp = disk_path(dir, ".omi.boot");
	char	*dbp = disk_path(dir, "omi.db");
	int	 fd, rc = -1;

	if (path == NULL || tmp == NULL || dbp == NULL)
		goto out;
	if ((fd = open(dbp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	if ((fd = open_new(tmp)) == -1)
		goto out;
	rc = write(fd, cur, strlen(cur)) == (ssize_t)strlen(cur) &&
	    fsync(fd) == 0 ? 0 : -1;
	if (close(fd) != 0 || (rc == 0 && rename(tmp, path) != 0))
		rc = -1;
	if (rc == 0)
		sync_dir(dir);
	else
		(void)unlink(tmp);
out:
	free(path);
	free(tmp);
	free(dbp);
	return rc;
}

enum omi_err
journal_append(struct store *s, int *jfd, off_t *start, off_t *at, int sync)
{
	struct buf	 rec = { 0 };
	char		*path;
	ssize_t		 w;
	enum omi_err	 err = OMI_OK;

	if ((path = disk_path(s->dir, "omi.journal")) == NULL ||
	    journal_record(s, &rec) == -1) {
		free(path);
		buf_free(&rec);
		return OMI_NOMEM;
	}
	/* Not O_APPEND: pwrite must be able to set the state byte in place. */
	*jfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(path);
	if (*jfd == -1 || (*at = lseek(*jfd, 0, SEEK_END)) == -1) {
		err = disk_errno(errno);
		goto out;
	}
#ifdef OMI_TEST_HOOKS
	if (getenv("HTTP_X_OMI_TEST_CRASH") != NULL &&
	    strcmp(getenv("HTTP_X_OMI_TEST_CRASH"), "journal") == 0) {
		(void)!pwrite(*jfd, rec.data, rec.len / 2, *at);
		disk_crash_point("journal", NULL);
	}
#endif
	*start = *at;
	w = pwrite(*jfd, rec.data, rec.len, *at);
	if (w != (ssize_t)rec.len || (sync && fdatasync(*jfd) == -1)) {
		err = disk_errno(w == -1 || w == (ssize_t)rec.len ?
		    errno : ENOSPC);
		/* Cut the partial record so the journal stays clean. */
		(void)!ftruncate(*jfd, *at);
		log_msg("store: journal write: %s", omi_strerror(err));
	}
	*at += (off_t)rec.len - 1;	/* the state byte */
out:
	buf_free(&rec);
	return err;
}

/*
 * Compaction: a fresh copy of the database holding only its live records,
 * installed as both omi.snap and omi.db, and an empty journal. GDBM leaves
 * a deleted or replaced value in the file's free space, the journal holds
 * every value committed since the last checkpoint, and the snapshot keeps
 * what older versions left in its free space; after a compaction none of
 * those old bytes is left in any file of the data directory (the replaced
 * files are unlinked). Needs the exclusive lock, a clean journal
 * (store_open saw to both) and fd: omi.snap.tmp, flocked, so that no other
 * compaction writes the same files.
 *
 * Crash safety as for a checkpoint: the new snapshot is the current state,
 * so it goes in first, under the old journal (whose replay over it gives
 * the same state); then the new database, then the journal is emptied.
 */
static enum omi_err
compact_copy(GDBM_FILE from, int fd, const char *name)
{
	GDBM_FILE	 to;
	datum		 k, next, v;
	enum omi_err	 err = OMI_OK;
	int		 dfd;

	if (ftruncate(fd, 0) == -1 || (dfd = dup(fd)) == -1)
		return disk_errno(errno);
	to = gdbm_fd_open(dfd, name, 0, GDBM_NEWDB | GDBM_NOLOCK |
	    GDBM_NOMMAP | GDBM_CLOEXEC | GDBM_CLOERROR, NULL);
	if (to == NULL)
		return disk_gdbm_error("compact open");
	for (k = gdbm_firstkey(from); k.dptr != NULL && err == OMI_OK;
	    k = next) {
		v = gdbm_fetch(from, k);
		if (v.dptr == NULL)
			err = disk_gdbm_error("compact fetch");
		else if (gdbm_store(to, k, v, GDBM_INSERT) != 0)
			err = disk_gdbm_error("compact store");
		free(v.dptr);
		next = gdbm_nextkey(from, k);
		free(k.dptr);
	}
	free(k.dptr);
	if (err == OMI_OK && gdbm_errno != GDBM_ITEM_NOT_FOUND &&
	    gdbm_errno != GDBM_NO_ERROR)
		err = disk_gdbm_error("compact iterate");
	if (err == OMI_OK && gdbm_sync(to) != 0)
		err = disk_gdbm_error("compact sync");
	if (gdbm_close(to) != 0 && err == OMI_OK)
		err = disk_gdbm_error("compact close");
	return err;
}

/* Copies fd's file to path, a new file, and syncs it. */
static int
copy_new(int fd, const char *path)
{
	int	 out, rc = -1;

	if ((out = open_new(path)) == -1)
		return -1;
	if (copy_fd(fd, out, 0) == 0 && fsync(out) == 0)
		rc = 0;
	if (close(out) == -1)
		rc = -1;
	if (rc == -1)
		(void)unlink(path);
	return rc;
}

enum omi_err
journal_compact(struct store *s, int fd)
{
	static const char *const stale[] = { "omi.db.damaged",
	    "omi.db.rebuild", "omi.journal.tmp", NULL };
	struct stat	 st;
	enum omi_err	 err;
	char		*jpath, *snap, *stmp, *dtmp, *p;
	uint64_t	 avail;
	size_t		 i;

	jpath = disk_path(s->dir, "omi.journal");
	snap = disk_path(s->dir, "omi.snap");
	stmp = disk_path(s->dir, "omi.snap.tmp");
	dtmp = disk_path(s->dir, "omi.db.compact");
	err = OMI_NOMEM;
	if (!jpath || !snap || !stmp || !dtmp || s->db == NULL)
		goto out;
	/*
	 * Room for two copies of the database, or it would fill the disk only
	 * to fail. A copy can come out a little larger than the file (GDBM's
	 * buckets split as it fills: 70 MB from 66 MB here), hence a quarter
	 * more each, and a margin.
	 */
	if (fstat(gdbm_fdesc(s->db), &st) == 0 &&
	    disk_free_bytes(fd, &avail) == 0 &&
	    avail < (uint64_t)st.st_size / 2 * 5 + (1u << 20)) {
		log_msg("store: compaction refused: %llu bytes free, it needs "
		    "%llu", (unsigned long long)avail,
		    (unsigned long long)st.st_size / 2 * 5 + (1u << 20));
		err = OMI_FULL;
		goto out;
	}
	if ((err = compact_copy(s->db, fd, stmp)) != OMI_OK)
		goto out;
	if (copy_new(fd, dtmp) == -1) {
		err = disk_errno(errno);
		goto out;
	}
	/* Replaced below: its own sync would be a wasted disk write. */
	disk_gdbm_close_unsynced(s->db);
	s->db = NULL;
	if (rename(stmp, snap) == -1) {
		err = disk_errno(errno);
		(void)unlink(dtmp);
		goto out;
	}
	sync_dir(s->dir);
	disk_crash_point("compact-snap", NULL);
	if (rename(dtmp, s->dbpath) == -1) {
		err = disk_errno(errno);
		goto out;
	}
	sync_dir(s->dir);
	if (journal_reset(s->dir, jpath) == -1) {
		err = disk_errno(errno);
		goto out;
	}
	/* Older copies of the database, from a recovery. */
	for (i = 0; stale[i] != NULL; i++)
		if ((p = disk_path(s->dir, stale[i])) != NULL) {
			(void)unlink(p);
			free(p);
		}
	sync_dir(s->dir);
	err = OMI_OK;
out:
	if (err != OMI_OK && stmp != NULL)
		(void)unlink(stmp);
	free(jpath);
	free(snap);
	free(stmp);
	free(dtmp);
	return err;
}
