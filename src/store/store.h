/*
 * store: the one GDBM file every process shares, and the only module that
 * sees GDBM. Callers open a session (shared for reading, exclusive for
 * writing), get/put/del keys, and commit; the session's changes become
 * visible and durable all at once when store_commit() returns OMI_OK.
 *
 * Key layout (all values are JSON unless noted):
 *   meta:schema           schema version ("1")
 *   user:<uid>            account (password hash, webhook key hash, lockout)
 *   conv:<uid>:<id>       one conversation (index key line + raw OMI JSON)
 *   cidx:<uid>            the user's index head (page list, counts)
 *   cidxd:<uid>           the head's changes since it was written whole
 *   cpage:<uid>:<n>       one index page (summaries, newest first)
 *   code:<hash> at:<hash> rt:<hash> grant:<id> ugrants:<uid> spent:<hash>
 *   lfail:<xx> (and pend:, fail:, dfail: from older versions)
 *                         OAuth records, keyed by keyed hashes (see oauth)
 * uids and ids are validated identifiers ([A-Za-z0-9._-]) so ':' separates.
 */
#ifndef OMI_STORE_H
#define OMI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define STORE_SCHEMA	1

enum store_mode {
	STORE_READ,
	STORE_WRITE
};

struct store;

/*
 * Opens a session: takes the lock file's flock (shared or exclusive),
 * waiting at most timeout_ms, then opens the database. A reader of a site
 * that has never stored anything gets an empty store.
 */
enum omi_err	 store_open(struct store **, const char *datadir,
		    enum store_mode, int64_t timeout_ms);
/* Reads a value; *val is NUL-terminated, malloc'd, the caller frees it. */
enum omi_err	 store_get(struct store *, const char *key, char **val,
		    size_t *len);
/* Queue a change in the session; it takes effect at commit. */
enum omi_err	 store_put(struct store *, const char *key, const void *val,
		    size_t len);
enum omi_err	 store_del(struct store *, const char *key);
/*
 * Writes all queued changes and syncs them to disk. A successful commit
 * ends the session's hold on the data (lock released): only store_close()
 * may follow it.
 */
enum omi_err	 store_commit(struct store *);
/* Ends the session (uncommitted changes are dropped) and frees it. */
void		 store_close(struct store *);

/*
 * Rewrites the data files so that no deleted or replaced value survives in
 * any of them: GDBM's free space, the journal and the snapshot all keep
 * old bytes until then. Waits for another compaction, then takes the
 * exclusive lock (each at most timeout_ms); it copies the whole database.
 */
enum omi_err	 store_compact(const char *datadir, int64_t timeout_ms);

/*
 * FastCGI: keeps a reader's database open after its session, for the
 * process's next reader to use again while nothing has changed the data
 * (see keep.c). store_kept() is how many sessions the kept database has
 * served (0: none is kept); store_forget() closes it (an idle process
 * should).
 */
void		 store_keep_readers(void);
int		 store_kept(void);
void		 store_forget(void);

/* Calls fn for every stored key that starts with prefix (full scan). */
enum omi_err	 store_foreach(struct store *, const char *prefix,
		    int (*fn)(void *ctx, const char *key), void *ctx);
#endif
