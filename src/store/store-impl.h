/*
 * store-impl: what store.c and journal.c share, and nobody else sees: the
 * session and the journal's entry points (journal.c calls nothing in
 * store.c; what both need is in disk.h).
 */
#ifndef OMI_STORE_IMPL_H
#define OMI_STORE_IMPL_H

#include <sys/types.h>

#include <signal.h>
#include <stddef.h>
#include <time.h>

#include <gdbm.h>

#include "store/disk.h"
#include "store/store.h"

struct change {
	char	*key;
	char	*val;		/* NULL for a delete */
	size_t	 len;
};

/* What a kept reader's database was opened on (keep.c). */
struct keep_stamp {
	uint64_t	 gen;		/* omi.sync's generation */
	dev_t		 j_dev, db_dev, lock_dev, sync_dev;
	ino_t		 j_ino, db_ino, lock_ino, sync_ino; /* j_ino 0: no journal */
	off_t		 j_size, db_size;
	struct timespec	 db_mtim;
};

struct store {
	char		*dir;
	int		 lockfd;
	enum store_mode	 mode;
	int64_t		 timeout_ms;	/* for the lock */
	GDBM_FILE	 db;
	char		*dbpath;
	int		 lazy_sync;	/* omi.boot matches this boot */
	int		 ended;		/* committed: only store_close may follow */
	struct change	*changes;
	size_t		 nchanges;
	size_t		 capchanges;
	size_t		*slots;		/* hash of changes by key: index + 1,
					   0 empty; nslots a power of two */
	size_t		 nslots;
	sigset_t	 oldmask;
	int		 masked;
	int		 clean;		/* the journal's tail was applied */
	struct keep_stamp stamp;
	int		 stamped;	/* stamp taken: the database may be kept */
	int		 kept;		/* the database is keep.c's */
	int		 spoiled;	/* a read failed: do not keep it */
};

/* flock(fd, op), waiting at most timeout_ms (store.c). */
enum omi_err	 lock_wait(int fd, int op, int64_t timeout_ms);

/* keep.c: a reader's database kept between sessions. With the session's
 * directory and timeout set: takes the kept database when nothing changed
 * it (*hit 1, shared lock held), else closes it (*hit 0); an error is the
 * lock's. */
enum omi_err	 keep_take(struct store *, int *hit);
/* After a clean open of a reader, lock held: takes the stamp. */
void		 keep_stamp(struct store *);
/* When a reader's session ends: keeps its database (1: the session no
 * longer holds it, the lock released), or 0 and the caller closes it. */
int		 keep_give(struct store *);

/* Appends the session's changes as one record (and syncs it when sync is
 * set); *start is the record's offset, *mark its state byte's. The caller
 * closes *jfd. */
enum omi_err	 journal_append(struct store *, int *jfd, off_t *start,
		    off_t *mark, int sync);
/* Opens omi.sync (-1 when it cannot be) and reads the journal's current
 * generation into *gen (see journal_sync); call with the data lock. */
int		 journal_mark_open(const char *dir, uint64_t *gen);
/* Makes the journal durable up to end, sharing a sync with other writers;
 * without the data lock. markfd and gen: from journal_mark_open() when the
 * record went in. */
enum omi_err	 journal_sync(int markfd, int jfd, uint64_t gen, off_t end);
/* After a whole record of generation gen, ending at end, is marked applied
 * (data lock held): the next writer need not verify it (see journal.c). */
void		 journal_mark_good(int markfd, uint64_t gen, off_t end);
/* After a failed append cut the journal back to end: a sync that saw the
 * partial record must not vouch for what is written there next. */
void		 journal_mark_cut(int markfd, uint64_t gen, off_t end);
/* 0 clean, 1 last record unapplied or torn, -1 error (full: verify it). */
int		 journal_dirty(const char *dir, int full);
/* Rebuilds omi.db from omi.snap and the journal; exclusive lock held. */
enum omi_err	 journal_recover(const char *dir);
/* Data lock held: whether the commit that left the journal journal_size
 * bytes long should checkpoint (see journal.c). */
int		 journal_checkpoint_due(struct store *, off_t journal_size);
/* fdatasync of the database file; 0, or -1 logged. */
int		 journal_checkpoint_flush(const char *dbpath);
/* Exclusive data lock held, no database open: rolls omi.snap forward over
 * the journal of generation gen and empties it; does nothing when the
 * generation changed meanwhile. A failure is logged, never returned: the
 * commit it follows is durable already. */
void		 journal_checkpoint(const char *dir, const char *dbpath,
		    uint64_t gen);
/* Rewrites omi.db and omi.snap with the live records only and empties the
 * journal (see journal.c); the session's exclusive lock held, fd the
 * flocked omi.snap.tmp. Closes the session's database. */
enum omi_err	 journal_compact(struct store *, int fd);
/* omi.sync's generation, without making the file; 0, or -1 when it is
 * missing or unreadable. */
int		 journal_generation(const char *dir, uint64_t *gen);
/* The same, read from fd, an open omi.sync. */
int		 journal_generation_fd(int fd, uint64_t *gen);
/* The boot id (0), or -1 where the system has none. */
int		 journal_boot_id(char *out, size_t n);
/* omi.boot against cur: 0 the same, 1 different, 2 missing. */
int		 journal_boot_changed(const char *dir, const char *cur);
/* Syncs the database, then records this boot in omi.boot. */
int		 journal_boot_record(const char *dir, const char *cur);
#endif
