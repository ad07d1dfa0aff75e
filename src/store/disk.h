/*
 * disk: the store's file-level primitives, shared by the session code
 * (store.c) and the journal (journal.c) and seen by nobody outside store/.
 */
#ifndef OMI_STORE_DISK_H
#define OMI_STORE_DISK_H

#include <stddef.h>
#include <stdint.h>

#include <gdbm.h>

#include "store/store.h"

/* gdbm_open(), mending a file that GDBM 1.23 wrote and then refuses. */
GDBM_FILE	 disk_gdbm_open(const char *path, int flags);
/* Before key k is deleted (newval NULL) or replaced by newlen bytes:
 * overwrites its stored value with zeros unless GDBM will overwrite it in
 * place, so that no freed space keeps it; 0 or -1 (see gdbm_errno). */
int		 disk_gdbm_scrub(GDBM_FILE, datum k, const char *newval,
		    size_t newlen);
/* gdbm_close() without its fsync (the journal is the durable copy). */
void		 disk_gdbm_close_unsynced(GDBM_FILE);
/* dir/name, malloc'd (NULL when out of memory). */
char		*disk_path(const char *dir, const char *name);
/* dir/name opened for reading and writing, made if missing, never through
 * a symbolic link; the descriptor, or -1. */
int		 disk_open_rw(const char *dir, const char *name);
enum omi_err	 disk_errno(int);
/* Logs GDBM's and the system's error and maps them. */
enum omi_err	 disk_gdbm_error(const char *what);
/* Writes one change (val NULL: a delete) after scrubbing the value it
 * replaces; a GDBM error is logged with what and returned. */
enum omi_err	 disk_gdbm_apply(GDBM_FILE, datum k, const char *val,
		    size_t len, const char *what);
/* Bytes free to us on fd's file system; 0, or -1 when unknown. */
int		 disk_free_bytes(int fd, uint64_t *avail);

#ifdef OMI_TEST_HOOKS
void		 disk_crash_point(const char *where, const char *dbpath);
void		 disk_pause_point(const char *where);
#else
#define disk_crash_point(where, dbpath) ((void)0)
#define disk_pause_point(where) ((void)0)
#endif

#endif
